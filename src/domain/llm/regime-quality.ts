// Quality per regime for the LLM catalog: for each model, the LMArena text-leaderboard category
// that stands for each regime, read from one snapshot and mapped to bps with the catalog's formula.
// It holds data and one lookup. It must never derive a number at load time, never mix snapshots,
// and never hold a figure it cannot point to (docs/catalog.md, "Quality per regime").

import { MODELS } from "./models.ts";
import { REGIMES, type RegimeId } from "./regimes.ts";
import type { FactSource } from "./types.ts";

/*
 * One snapshot, because Bradley-Terry ratings drift as models join: figures compare only within
 * one fit. It is LMArena's own export (`rating`, no style control: the field of the catalog's
 * overall arenaScore), about four months newer than the overall snapshot, so each row also keeps
 * the export's overall ("full") rating to show that drift.
 */
export const REGIME_QUALITY_SOURCE = {
  benchmark: "LMArena text leaderboard, category leaderboards (rating field, no style control)",
  url: "https://github.com/lmarena/arena-catalog/blob/1d32ad77be82552f6773310a6c08f3ec6cd42909/data/leaderboard-text.json",
  retrieved: "2026-12-07",
  asOf: "undated; lists claude-opus-4-5-20251101 and gemini-3-pro (both released November 2025), so taken in or after late November 2025",
  rule: "bps = clamp(10 x (arenaScore - 500), 0, 10000), the catalog's formula; arenaScore = the integer part of the category rating",
} as const satisfies FactSource & { readonly benchmark: string };

/** One regime's stand-in: an LMArena category key, its display name, and why it fits. */
export interface RegimeCategory {
  readonly category: string;
  readonly name: string;
  readonly why: string;
}

/** Which LMArena category backs each regime. Definitions: blog.lmarena.ai/blog/2024/arena-category. */
export const REGIME_CATEGORIES = {
  support: { category: "multiturn", name: "Multi-Turn", why: "Support is a conversation; the category holds multi-turn battles." },
  coding: { category: "coding", name: "Coding", why: "Prompts with code blocks or programming keywords: writing, reviewing, fixing code." },
  compliance: {
    category: "industry_legal_and_government",
    name: "Legal & Government (occupational)",
    why: "Regulatory, legal and policy questions belong to this occupational field.",
  },
  security: {
    category: "industry_software_and_it_services",
    name: "Software & IT Services (occupational)",
    why: "Security review, incident triage and secure configuration are IT work; no security category exists.",
  },
  extraction: {
    category: "if",
    name: "Instruction Following",
    why: "Extraction fails on format and constraints; the category holds prompts with explicit format requirements.",
  },
  summarization: {
    category: "long_user",
    name: "Longer Query",
    why: "A summary starts from a long input; the category holds prompts longer than 500 tokens.",
  },
  translation: {
    category: "industry_writing_and_literature_and_language",
    name: "Writing, Literature & Language (occupational)",
    why: "A proxy: no category measures translation; this field covers language work. Weakest fit of the eight.",
  },
  analysis: {
    category: "hard_6",
    name: "Hard Prompts",
    why: "Multi-step reasoning with domain knowledge and technical accuracy, the category's own criteria.",
  },
} as const satisfies Record<RegimeId, RegimeCategory>;

/**
 * One catalog model's row in the snapshot. `arenaScore` and `bps` are in REGIMES order (support,
 * coding, compliance, security, extraction, summarization, translation, analysis), a stored order
 * like every REGIMES index. `overallArenaScore` is the same export's "full" rating, for drift.
 */
export interface RegimeQualityRow {
  readonly modelId: string;
  /** The row key in the snapshot. */
  readonly entry: string;
  readonly overallArenaScore: number;
  readonly arenaScore: readonly number[];
  readonly bps: readonly number[];
  /** Present when the row is not this exact model: the rule used, in one sentence. */
  readonly estimated?: string;
}

const SERVED_BEFORE_V3_1 =
  "The catalog's own row for this id (the model it served before DeepSeek-V3.1), kept so that overall and regime figures name one model.";
const NEAREST_SIBLING = "No Codestral row; the catalog's nearest sibling, Mistral Small 3 (24B, January 2025), as in models.ts.";

export const REGIME_QUALITY_ROWS: readonly RegimeQualityRow[] = [
  {
    modelId: "gpt-4.1-nano",
    entry: "gpt-4.1-nano-2025-04-14",
    overallArenaScore: 1285,
    arenaScore: [1276, 1305, 1299, 1304, 1265, 1286, 1260, 1284],
    bps: [7_760, 8_050, 7_990, 8_040, 7_650, 7_860, 7_600, 7_840],
  },
  {
    modelId: "gpt-4o-mini",
    entry: "gpt-4o-mini-2024-07-18",
    overallArenaScore: 1287,
    arenaScore: [1284, 1289, 1306, 1290, 1256, 1288, 1281, 1266],
    bps: [7_840, 7_890, 8_060, 7_900, 7_560, 7_880, 7_810, 7_660],
  },
  {
    modelId: "gpt-4.1-mini",
    entry: "gpt-4.1-mini-2025-04-14",
    overallArenaScore: 1340,
    arenaScore: [1352, 1368, 1347, 1361, 1330, 1345, 1318, 1347],
    bps: [8_520, 8_680, 8_470, 8_610, 8_300, 8_450, 8_180, 8_470],
  },
  {
    modelId: "gpt-4.1",
    entry: "gpt-4.1-2025-04-14",
    overallArenaScore: 1382,
    arenaScore: [1397, 1389, 1400, 1390, 1363, 1386, 1368, 1381],
    bps: [8_970, 8_890, 9_000, 8_900, 8_630, 8_860, 8_680, 8_810],
  },
  {
    modelId: "o3",
    entry: "o3-2025-04-16",
    overallArenaScore: 1410,
    arenaScore: [1405, 1408, 1430, 1414, 1366, 1374, 1372, 1402],
    bps: [9_050, 9_080, 9_300, 9_140, 8_660, 8_740, 8_720, 9_020],
  },
  {
    modelId: "claude-3-5-haiku-20241022",
    entry: "claude-3-5-haiku-20241022",
    overallArenaScore: 1256,
    arenaScore: [1264, 1285, 1257, 1272, 1238, 1260, 1255, 1249],
    bps: [7_640, 7_850, 7_570, 7_720, 7_380, 7_600, 7_550, 7_490],
  },
  {
    modelId: "claude-3-7-sonnet-20250219",
    entry: "claude-3-7-sonnet-20250219",
    overallArenaScore: 1299,
    arenaScore: [1337, 1338, 1300, 1313, 1321, 1355, 1322, 1313],
    bps: [8_370, 8_380, 8_000, 8_130, 8_210, 8_550, 8_220, 8_130],
  },
  {
    modelId: "claude-sonnet-4-20250514",
    entry: "claude-sonnet-4-20250514",
    overallArenaScore: 1338,
    arenaScore: [1360, 1379, 1341, 1359, 1347, 1379, 1347, 1352],
    bps: [8_600, 8_790, 8_410, 8_590, 8_470, 8_790, 8_470, 8_520],
  },
  {
    modelId: "claude-opus-4-20250514",
    entry: "claude-opus-4-20250514",
    overallArenaScore: 1364,
    arenaScore: [1383, 1400, 1371, 1377, 1370, 1400, 1379, 1374],
    bps: [8_830, 9_000, 8_710, 8_770, 8_700, 9_000, 8_790, 8_740],
  },
  {
    modelId: "gemini-2.0-flash-lite",
    entry: "gemini-2.0-flash-lite-preview-02-05",
    overallArenaScore: 1329,
    arenaScore: [1306, 1321, 1345, 1335, 1303, 1321, 1320, 1323],
    bps: [8_060, 8_210, 8_450, 8_350, 8_030, 8_210, 8_200, 8_230],
  },
  {
    modelId: "gemini-2.0-flash",
    entry: "gemini-2.0-flash-001",
    overallArenaScore: 1354,
    arenaScore: [1348, 1349, 1374, 1360, 1333, 1346, 1346, 1344],
    bps: [8_480, 8_490, 8_740, 8_600, 8_330, 8_460, 8_460, 8_440],
  },
  {
    modelId: "gemini-2.5-flash",
    entry: "gemini-2.5-flash",
    overallArenaScore: 1415,
    arenaScore: [1404, 1422, 1431, 1424, 1405, 1424, 1405, 1418],
    bps: [9_040, 9_220, 9_310, 9_240, 9_050, 9_240, 9_050, 9_180],
  },
  {
    modelId: "gemini-2.5-pro",
    entry: "gemini-2.5-pro",
    overallArenaScore: 1464,
    arenaScore: [1460, 1459, 1490, 1465, 1442, 1458, 1462, 1461],
    bps: [9_600, 9_590, 9_900, 9_650, 9_420, 9_580, 9_620, 9_610],
  },
  {
    modelId: "deepseek-chat",
    entry: "deepseek-v3-0324",
    overallArenaScore: 1374,
    arenaScore: [1386, 1367, 1380, 1377, 1342, 1353, 1364, 1363],
    bps: [8_860, 8_670, 8_800, 8_770, 8_420, 8_530, 8_640, 8_630],
    estimated: SERVED_BEFORE_V3_1,
  },
  {
    modelId: "deepseek-reasoner",
    entry: "deepseek-r1-0528",
    overallArenaScore: 1425,
    arenaScore: [1406, 1425, 1418, 1435, 1379, 1393, 1402, 1415],
    bps: [9_060, 9_250, 9_180, 9_350, 8_790, 8_930, 9_020, 9_150],
    estimated: SERVED_BEFORE_V3_1,
  },
  {
    modelId: "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo",
    entry: "llama-3.1-8b-instruct",
    overallArenaScore: 1188,
    arenaScore: [1171, 1194, 1207, 1194, 1158, 1182, 1161, 1174],
    bps: [6_710, 6_940, 7_070, 6_940, 6_580, 6_820, 6_610, 6_740],
  },
  {
    modelId: "meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8",
    entry: "llama-4-maverick-17b-128e-instruct",
    overallArenaScore: 1288,
    arenaScore: [1287, 1303, 1286, 1300, 1267, 1284, 1278, 1281],
    bps: [7_870, 8_030, 7_860, 8_000, 7_670, 7_840, 7_780, 7_810],
  },
  {
    modelId: "meta-llama/Llama-3.3-70B-Instruct-Turbo",
    entry: "llama-3.3-70b-instruct",
    overallArenaScore: 1276,
    arenaScore: [1280, 1268, 1286, 1274, 1240, 1257, 1255, 1257],
    bps: [7_800, 7_680, 7_860, 7_740, 7_400, 7_570, 7_550, 7_570],
  },
  {
    modelId: "mistral-small-2506",
    entry: "mistral-small-2506",
    overallArenaScore: 1339,
    arenaScore: [1345, 1363, 1346, 1361, 1309, 1330, 1310, 1335],
    bps: [8_450, 8_630, 8_460, 8_610, 8_090, 8_300, 8_100, 8_350],
  },
  {
    modelId: "codestral-2501",
    entry: "mistral-small-24b-instruct-2501",
    overallArenaScore: 1234,
    arenaScore: [1216, 1245, 1220, 1247, 1212, 1247, 1213, 1231],
    bps: [7_160, 7_450, 7_200, 7_470, 7_120, 7_470, 7_130, 7_310],
    estimated: NEAREST_SIBLING,
  },
  {
    modelId: "mistral-medium-2505",
    entry: "mistral-medium-2505",
    overallArenaScore: 1368,
    arenaScore: [1382, 1384, 1387, 1383, 1335, 1361, 1350, 1362],
    bps: [8_820, 8_840, 8_870, 8_830, 8_350, 8_610, 8_500, 8_620],
  },
  {
    modelId: "mistral-large-2411",
    entry: "mistral-large-2411",
    overallArenaScore: 1266,
    arenaScore: [1259, 1274, 1275, 1273, 1247, 1262, 1259, 1255],
    bps: [7_590, 7_740, 7_750, 7_730, 7_470, 7_620, 7_590, 7_550],
  },
];

/** One (model, regime) figure with everything needed to trace it: benchmark and snapshot in `source`. */
export interface RegimeQualityEntry {
  readonly modelId: string;
  readonly regimeId: RegimeId;
  readonly bps: number;
  readonly arenaScore: number;
  readonly category: string;
  readonly entry: string;
  readonly estimated: boolean;
  readonly source: typeof REGIME_QUALITY_SOURCE;
}

/** Every regime-specific figure, one per (model, regime); built by reshaping the rows above. */
export const REGIME_QUALITY: readonly RegimeQualityEntry[] = REGIME_QUALITY_ROWS.flatMap((row) =>
  REGIMES.map((regime, index) => ({
    modelId: row.modelId,
    regimeId: regime.id,
    bps: row.bps[index]!,
    arenaScore: row.arenaScore[index]!,
    category: REGIME_CATEGORIES[regime.id].category,
    entry: row.entry,
    estimated: row.estimated !== undefined,
    source: REGIME_QUALITY_SOURCE,
  })),
);

const REGIME_IDS: ReadonlySet<string> = new Set(REGIMES.map((regime) => regime.id));

/**
 * The quality to centre a model's prior on for one regime: the regime's category figure when the
 * table has one (source "lmarena:<category>"), else the model's overall catalog quality (source
 * "overall"). `entries` is injectable so a test, or a later snapshot, can pass its own table.
 * An id the catalog does not know is a caller's bug, so it throws rather than guess.
 */
export function regimeQualityBps(
  modelId: string,
  regimeId: RegimeId,
  entries: readonly RegimeQualityEntry[] = REGIME_QUALITY,
): { bps: number; source: string } {
  if (!REGIME_IDS.has(regimeId)) throw new RangeError(`unknown regime ${JSON.stringify(regimeId)}`);
  const model = MODELS.find((candidate) => candidate.id === modelId);
  if (model === undefined) throw new RangeError(`unknown model ${JSON.stringify(modelId)}`);
  const entry = entries.find((candidate) => candidate.modelId === modelId && candidate.regimeId === regimeId);
  if (entry !== undefined) return { bps: entry.bps, source: `lmarena:${entry.category}` };
  return { bps: model.qualityBps, source: "overall" };
}
