// The LLM catalog: 22 models from 6 makers, each fact (list price, quality, latency, limits,
// capabilities) with the page it was read from, the day it was read, and an estimate flag.
// It holds data only. It must never derive a number at load time, never hold a float, and never
// reorder its entries: the kernel addresses options by their position in MODELS (append only).
// docs/catalog.md is the readable table of this file and says how to update it.

import type { FactSource, ModelSpec, QualitySource } from "./types.ts";

/** The day every page below was read from the search corpus for this catalog. */
const RETRIEVED = "2026-11-27";

// ---- Quality: one benchmark for the whole catalog ------------------------------------------

/**
 * LMArena (Chatbot Arena) text leaderboard, one snapshot for every model, mapped linearly:
 * qualityBps = clamp(10 x (arenaScore - 500), 0, 10000). 1 arena point = 10 bps; 1500 (just
 * above the best model in the snapshot) = 10,000. docs/catalog.md explains the anchors.
 */
const ARENA = {
  benchmark: "LMArena text leaderboard (arena_score column)",
  url: "https://github.com/fboulnois/llm-leaderboard-csv/blob/e964e252a171a83b8bf189675ca01406d86bc810/csv/lmarena_text.csv",
  retrieved: RETRIEVED,
  asOf: "daily CSV snapshot of lmarena.ai; lists GLM-4.5 (released 2025-07-28), so taken in or after late July 2025",
  rule: "qualityBps = clamp(10 x (arenaScore - 500), 0, 10000)",
} as const satisfies Omit<QualitySource, "entry" | "arenaScore">;

// ---- Latency: one speed table, one formula -------------------------------------------------

/** latencyMsP50 = TTFT + ceil(500,000 / output tokens per second). */
const SPEED = {
  url: "https://www.llmversus.com/llm/speed",
  retrieved: RETRIEVED,
  asOf: "Data verified Apr 3, 2026",
  rule: "latencyMsP50 = timeToFirstTokenMs + ceil(500 x 1000 / outputTokensPerSecond)",
  note: "Third-party table; host not stated per row. Hidden reasoning tokens are not included.",
} as const;

/** For a model the speed table lacks: the row of its nearest sibling, marked as an estimate. */
function speedOfSibling(sibling: string, why: string): Pick<FactSource, "rule" | "estimated"> {
  return {
    estimated: true,
    rule: `No row for this model; uses the "${sibling}" row (${why}) with the same formula.`,
  };
}

// ---- Prices and limits, per host -----------------------------------------------------------

const OPENAI_PRICE = {
  url: "https://deploybase.ai/articles/openai-pricing",
  retrieved: RETRIEVED,
  asOf: "Data from OpenAI pricing page, March 2026",
} as const;
const OPENAI_LIMITS = {
  ...OPENAI_PRICE,
  note: "The page rounds (1.05M, 32K, 16K); exact counts are OpenAI's model-reference values.",
} as const;

const ANTHROPIC_PRICE = {
  url: "https://docs.anthropic.com/en/docs/about-claude/pricing?939688b5_page=2",
  retrieved: RETRIEVED,
  asOf: "undated; lists Claude Opus 4.1, so after 2025-08-05",
} as const;
const ANTHROPIC_LIMITS = {
  url: "https://github.com/labring/fastgpt-plugin/pull/242.diff",
  retrieved: RETRIEVED,
  note: "Context 200,000 for every Claude model (Sonnet 4's 1M window is a beta at a higher price).",
} as const;

const GOOGLE_PRICE = {
  url: "https://www.morphllm.com/gemini-api-pricing",
  retrieved: RETRIEVED,
  asOf: "undated; 'All rates below are from Google's pricing page at ai.google.dev'",
} as const;
const GOOGLE_LIMITS_KNOWN = {
  retrieved: RETRIEVED,
  estimated: true,
  rule: "Google's Gemini model pages (best knowledge; not found in the search corpus): 1,048,576-token input.",
} as const;

const DEEPSEEK = {
  url: "https://api-docs.deepseek.com/quick_start/pricing",
  retrieved: RETRIEVED,
  asOf: "price list in effect from 2025-09-05 16:00 UTC; both ids serve DeepSeek-V3.1",
  note: "Input price is the cache-miss rate ($0.07 on a cache hit). 128K read as 128,000 tokens.",
} as const;

const TOGETHER_PRICE = {
  url: "https://github.com/pydantic/genai-prices/blob/29eac95f137e767d1251d6099c99e9583d5fc8c7/prices/providers/together.yml",
  retrieved: RETRIEVED,
  asOf: "prices_checked: 2025-07-03 (upstream https://www.together.ai/pricing)",
  note: "Open-weight model: the price is Together AI's serverless list price, not Meta's.",
} as const;

const MISTRAL_PRICE = {
  url: "https://github.com/pydantic/genai-prices/blob/fde84f4444033b2de72027a001672b06fb939828/prices/providers/mistral.yml",
  retrieved: RETRIEVED,
  asOf: "prices_checked: 2025-07-04 (upstream https://mistral.ai/pricing/)",
} as const;

/** Hosts that publish no separate completion cap get a conservative one, said to be ours. */
const NO_PUBLISHED_OUTPUT_CAP = "The host publishes no completion cap separate from the window; 8,192 is a conservative cap of ours.";

const CAPABILITIES_KNOWN = {
  retrieved: RETRIEVED,
  estimated: true,
  rule: "Provider model docs, best knowledge (not in the search corpus); a capability is listed only when sure.",
} as const;

// ---- The catalog ---------------------------------------------------------------------------

export const MODELS = [
  // OpenAI ---------------------------------------------------------------------------------
  {
    id: "gpt-4.1-nano",
    provider: "openai",
    host: "OpenAI API",
    displayName: "GPT-4.1 nano",
    tier: "economy",
    inputPriceMicrosPerMTok: 10_000_000,
    outputPriceMicrosPerMTok: 40_000_000,
    qualityBps: 7_870,
    latencyMsP50: 3_464,
    contextTokens: 1_047_576,
    maxOutputTokens: 32_768,
    capabilities: ["tools", "json", "vision", "long_context"],
    sources: {
      price: OPENAI_PRICE,
      quality: { ...ARENA, entry: "GPT-4.1-nano-2025-04-14", arenaScore: 1287 },
      latency: { ...SPEED, entry: "GPT-4.1 Nano", timeToFirstTokenMs: 130, outputTokensPerSecond: 150 },
      limits: OPENAI_LIMITS,
      capabilities: CAPABILITIES_KNOWN,
    },
  },
  {
    id: "gpt-4o-mini",
    provider: "openai",
    host: "OpenAI API",
    displayName: "GPT-4o mini",
    tier: "economy",
    inputPriceMicrosPerMTok: 15_000_000,
    outputPriceMicrosPerMTok: 60_000_000,
    qualityBps: 7_880,
    latencyMsP50: 4_347,
    contextTokens: 128_000,
    maxOutputTokens: 16_384,
    capabilities: ["tools", "json", "vision"],
    sources: {
      price: OPENAI_PRICE,
      quality: { ...ARENA, entry: "GPT-4o-mini-2024-07-18", arenaScore: 1288 },
      latency: { ...SPEED, entry: "GPT-4o Mini", timeToFirstTokenMs: 180, outputTokensPerSecond: 120 },
      limits: OPENAI_LIMITS,
      capabilities: CAPABILITIES_KNOWN,
    },
  },
  {
    id: "gpt-4.1-mini",
    provider: "openai",
    host: "OpenAI API",
    displayName: "GPT-4.1 mini",
    tier: "standard",
    inputPriceMicrosPerMTok: 40_000_000,
    outputPriceMicrosPerMTok: 160_000_000,
    qualityBps: 8_360,
    latencyMsP50: 4_538,
    contextTokens: 1_047_576,
    maxOutputTokens: 32_768,
    capabilities: ["tools", "json", "vision", "long_context"],
    sources: {
      price: OPENAI_PRICE,
      quality: { ...ARENA, entry: "GPT-4.1-mini-2025-04-14", arenaScore: 1336 },
      latency: { ...SPEED, entry: "GPT-4.1 Mini", timeToFirstTokenMs: 190, outputTokensPerSecond: 115 },
      limits: OPENAI_LIMITS,
      capabilities: CAPABILITIES_KNOWN,
    },
  },
  {
    id: "gpt-4.1",
    provider: "openai",
    host: "OpenAI API",
    displayName: "GPT-4.1",
    tier: "premium",
    inputPriceMicrosPerMTok: 200_000_000,
    outputPriceMicrosPerMTok: 800_000_000,
    qualityBps: 8_800,
    latencyMsP50: 5_942,
    contextTokens: 1_047_576,
    maxOutputTokens: 32_768,
    capabilities: ["tools", "json", "vision", "long_context", "code"],
    sources: {
      price: OPENAI_PRICE,
      quality: { ...ARENA, entry: "GPT-4.1-2025-04-14", arenaScore: 1380 },
      latency: { ...SPEED, entry: "GPT-4.1", timeToFirstTokenMs: 260, outputTokensPerSecond: 88 },
      limits: OPENAI_LIMITS,
      capabilities: CAPABILITIES_KNOWN,
    },
  },
  {
    id: "o3",
    provider: "openai",
    host: "OpenAI API",
    displayName: "o3",
    tier: "frontier",
    inputPriceMicrosPerMTok: 200_000_000,
    outputPriceMicrosPerMTok: 800_000_000,
    qualityBps: 9_280,
    latencyMsP50: 9_534,
    contextTokens: 200_000,
    maxOutputTokens: 100_000,
    capabilities: ["tools", "json", "vision", "reasoning", "long_context", "code"],
    sources: {
      price: { ...OPENAI_PRICE, note: "Reasoning tokens are billed as output tokens." },
      quality: { ...ARENA, entry: "o3-2025-04-16", arenaScore: 1428 },
      latency: {
        ...SPEED,
        entry: "o4-mini",
        timeToFirstTokenMs: 1_200,
        outputTokensPerSecond: 60,
        ...speedOfSibling("o4-mini", "OpenAI's other o-series reasoning model in the table"),
      },
      limits: OPENAI_LIMITS,
      capabilities: CAPABILITIES_KNOWN,
    },
  },
  // Anthropic ------------------------------------------------------------------------------
  {
    id: "claude-3-5-haiku-20241022",
    provider: "anthropic",
    host: "Anthropic API",
    displayName: "Claude Haiku 3.5",
    tier: "standard",
    inputPriceMicrosPerMTok: 80_000_000,
    outputPriceMicrosPerMTok: 400_000_000,
    qualityBps: 7_550,
    latencyMsP50: 3_997,
    contextTokens: 200_000,
    maxOutputTokens: 8_192,
    capabilities: ["tools", "long_context"],
    sources: {
      price: ANTHROPIC_PRICE,
      quality: { ...ARENA, entry: "Claude 3.5 Haiku (20241022)", arenaScore: 1255 },
      latency: {
        ...SPEED,
        entry: "Claude Haiku 4",
        timeToFirstTokenMs: 150,
        outputTokensPerSecond: 130,
        ...speedOfSibling("Claude Haiku 4", "the table's only Claude Haiku row"),
      },
      limits: {
        url: "https://github.com/xsyetopz/claudetto/wiki/Claude-Code-Models-Catalog",
        retrieved: RETRIEVED,
        note: "Output 8,192 from this page; context 200,000 as for every Claude model.",
      },
      capabilities: CAPABILITIES_KNOWN,
    },
  },
  {
    id: "claude-3-7-sonnet-20250219",
    provider: "anthropic",
    host: "Anthropic API",
    displayName: "Claude Sonnet 3.7",
    tier: "premium",
    inputPriceMicrosPerMTok: 300_000_000,
    outputPriceMicrosPerMTok: 1_500_000_000,
    qualityBps: 8_010,
    latencyMsP50: 6_731,
    contextTokens: 200_000,
    maxOutputTokens: 64_000,
    capabilities: ["tools", "vision", "reasoning", "long_context", "code"],
    sources: {
      price: ANTHROPIC_PRICE,
      quality: { ...ARENA, entry: "Claude 3.7 Sonnet", arenaScore: 1301 },
      latency: {
        ...SPEED,
        entry: "Claude Sonnet 4",
        timeToFirstTokenMs: 320,
        outputTokensPerSecond: 78,
        ...speedOfSibling("Claude Sonnet 4", "its same-size successor"),
      },
      limits: {
        url: "https://docs.rs/mixtape-core/latest/src/mixtape_core/models/claude.rs.html",
        retrieved: RETRIEVED,
      },
      capabilities: CAPABILITIES_KNOWN,
    },
  },
  {
    id: "claude-sonnet-4-20250514",
    provider: "anthropic",
    host: "Anthropic API",
    displayName: "Claude Sonnet 4",
    tier: "premium",
    inputPriceMicrosPerMTok: 300_000_000,
    outputPriceMicrosPerMTok: 1_500_000_000,
    qualityBps: 8_380,
    latencyMsP50: 6_731,
    contextTokens: 200_000,
    maxOutputTokens: 64_000,
    capabilities: ["tools", "vision", "reasoning", "long_context", "code"],
    sources: {
      price: ANTHROPIC_PRICE,
      quality: { ...ARENA, entry: "Claude Sonnet 4 (20250514)", arenaScore: 1338 },
      latency: { ...SPEED, entry: "Claude Sonnet 4", timeToFirstTokenMs: 320, outputTokensPerSecond: 78 },
      limits: ANTHROPIC_LIMITS,
      capabilities: CAPABILITIES_KNOWN,
    },
  },
  {
    id: "claude-opus-4-20250514",
    provider: "anthropic",
    host: "Anthropic API",
    displayName: "Claude Opus 4",
    tier: "frontier",
    inputPriceMicrosPerMTok: 1_500_000_000,
    outputPriceMicrosPerMTok: 7_500_000_000,
    qualityBps: 8_660,
    latencyMsP50: 10_500,
    contextTokens: 200_000,
    maxOutputTokens: 32_000,
    capabilities: ["tools", "vision", "reasoning", "long_context", "code"],
    sources: {
      price: ANTHROPIC_PRICE,
      quality: {
        ...ARENA,
        entry: "Claude Opus 4 (20250514)",
        arenaScore: 1366,
        note: "The non-thinking row; the thinking-16k row scores 1373.",
      },
      latency: { ...SPEED, entry: "Claude Opus 4", timeToFirstTokenMs: 500, outputTokensPerSecond: 50 },
      limits: ANTHROPIC_LIMITS,
      capabilities: CAPABILITIES_KNOWN,
    },
  },
  // Google ---------------------------------------------------------------------------------
  {
    id: "gemini-2.0-flash-lite",
    provider: "google",
    host: "Google Gemini API",
    displayName: "Gemini 2.0 Flash-Lite",
    tier: "economy",
    inputPriceMicrosPerMTok: 7_500_000,
    outputPriceMicrosPerMTok: 30_000_000,
    qualityBps: 8_300,
    latencyMsP50: 2_878,
    contextTokens: 1_048_576,
    maxOutputTokens: 8_192,
    capabilities: ["tools", "json", "vision", "long_context"],
    sources: {
      price: {
        url: "https://futureagi.com/llm-cost-calculator/google/gemini-2-0-flash-lite",
        retrieved: RETRIEVED,
        asOf: "Verified May 12, 2026",
        note: "The page also gives a shutdown date of 2026-06-01.",
      },
      quality: { ...ARENA, entry: "Gemini-2.0-Flash-Lite", arenaScore: 1330 },
      latency: { ...SPEED, entry: "Gemini 2.0 Flash Lite", timeToFirstTokenMs: 100, outputTokensPerSecond: 180 },
      limits: { url: "https://futureagi.com/llm-cost-calculator/google/gemini-2-0-flash-lite", retrieved: RETRIEVED },
      capabilities: { url: "https://futureagi.com/llm-cost-calculator/google/gemini-2-0-flash-lite", retrieved: RETRIEVED },
    },
  },
  {
    id: "gemini-2.0-flash",
    provider: "google",
    host: "Google Gemini API",
    displayName: "Gemini 2.0 Flash",
    tier: "economy",
    inputPriceMicrosPerMTok: 10_000_000,
    outputPriceMicrosPerMTok: 40_000_000,
    qualityBps: 8_620,
    latencyMsP50: 3_245,
    contextTokens: 1_048_576,
    maxOutputTokens: 8_192,
    capabilities: ["tools", "json", "vision", "long_context"],
    sources: {
      price: { ...GOOGLE_PRICE, note: "Marked deprecating on the page (shutdown June 1, 2026)." },
      quality: { ...ARENA, entry: "Gemini-2.0-Flash-001", arenaScore: 1362 },
      latency: { ...SPEED, entry: "Gemini 2.0 Flash", timeToFirstTokenMs: 120, outputTokensPerSecond: 160 },
      limits: { ...GOOGLE_LIMITS_KNOWN, rule: `${GOOGLE_LIMITS_KNOWN.rule} Output 8,192.` },
      capabilities: CAPABILITIES_KNOWN,
    },
  },
  {
    id: "gemini-2.5-flash",
    provider: "google",
    host: "Google Gemini API",
    displayName: "Gemini 2.5 Flash",
    tier: "standard",
    inputPriceMicrosPerMTok: 30_000_000,
    outputPriceMicrosPerMTok: 250_000_000,
    qualityBps: 9_110,
    latencyMsP50: 3_245,
    contextTokens: 1_048_576,
    maxOutputTokens: 65_536,
    capabilities: ["tools", "json", "vision", "reasoning", "long_context"],
    sources: {
      price: { ...GOOGLE_PRICE, note: "Output price includes thinking tokens." },
      quality: { ...ARENA, entry: "Gemini-2.5-Flash", arenaScore: 1411 },
      latency: {
        ...SPEED,
        entry: "Gemini 2.0 Flash",
        timeToFirstTokenMs: 120,
        outputTokensPerSecond: 160,
        ...speedOfSibling("Gemini 2.0 Flash", "its predecessor; thinking, on by default, adds time not counted here"),
      },
      limits: { ...GOOGLE_LIMITS_KNOWN, rule: `${GOOGLE_LIMITS_KNOWN.rule} Output 65,536.` },
      capabilities: CAPABILITIES_KNOWN,
    },
  },
  {
    id: "gemini-2.5-pro",
    provider: "google",
    host: "Google Gemini API",
    displayName: "Gemini 2.5 Pro",
    tier: "frontier",
    inputPriceMicrosPerMTok: 125_000_000,
    outputPriceMicrosPerMTok: 1_000_000_000,
    qualityBps: 9_700,
    latencyMsP50: 7_543,
    contextTokens: 200_000,
    maxOutputTokens: 65_536,
    capabilities: ["tools", "json", "vision", "reasoning", "long_context", "code"],
    sources: {
      price: {
        ...GOOGLE_PRICE,
        note: "Price for prompts up to 200k tokens; longer prompts cost $2.50 in / $15 out, hence the 200,000 context cap.",
      },
      quality: { ...ARENA, entry: "Gemini-2.5-Pro", arenaScore: 1470 },
      latency: { ...SPEED, entry: "Gemini 2.5 Pro", timeToFirstTokenMs: 400, outputTokensPerSecond: 70 },
      limits: {
        ...GOOGLE_LIMITS_KNOWN,
        rule: `${GOOGLE_LIMITS_KNOWN.rule} Output 65,536. Context capped at 200,000: the listed price holds only up to 200k.`,
      },
      capabilities: CAPABILITIES_KNOWN,
    },
  },
  // DeepSeek -------------------------------------------------------------------------------
  {
    id: "deepseek-chat",
    provider: "deepseek",
    host: "DeepSeek API",
    displayName: "DeepSeek-V3.1 (non-thinking)",
    tier: "standard",
    inputPriceMicrosPerMTok: 56_000_000,
    outputPriceMicrosPerMTok: 168_000_000,
    qualityBps: 8_760,
    latencyMsP50: 6_103,
    contextTokens: 128_000,
    maxOutputTokens: 8_192,
    capabilities: ["tools", "json", "code"],
    sources: {
      price: DEEPSEEK,
      quality: {
        ...ARENA,
        entry: "DeepSeek-V3-0324",
        arenaScore: 1376,
        estimated: true,
        rule: `${ARENA.rule}, applied to DeepSeek-V3-0324, the model this id served before V3.1; the snapshot has no V3.1 row.`,
      },
      latency: { ...SPEED, entry: "DeepSeek V3", timeToFirstTokenMs: 220, outputTokensPerSecond: 85 },
      limits: DEEPSEEK,
      capabilities: { ...DEEPSEEK, note: "JSON output, function calling and FIM completion (beta) per the page." },
    },
  },
  {
    id: "deepseek-reasoner",
    provider: "deepseek",
    host: "DeepSeek API",
    displayName: "DeepSeek-V3.1 (thinking)",
    tier: "frontier",
    inputPriceMicrosPerMTok: 56_000_000,
    outputPriceMicrosPerMTok: 168_000_000,
    qualityBps: 9_270,
    latencyMsP50: 12_912,
    contextTokens: 128_000,
    maxOutputTokens: 65_536,
    capabilities: ["json", "reasoning"],
    sources: {
      price: { ...DEEPSEEK, note: "Chain-of-thought tokens are billed as output tokens." },
      quality: {
        ...ARENA,
        entry: "DeepSeek-R1-0528",
        arenaScore: 1427,
        estimated: true,
        rule: `${ARENA.rule}, applied to DeepSeek-R1-0528, the model this id served before V3.1; the snapshot has no V3.1 row.`,
      },
      latency: { ...SPEED, entry: "DeepSeek R1", timeToFirstTokenMs: 1_800, outputTokensPerSecond: 45 },
      limits: DEEPSEEK,
      capabilities: { ...DEEPSEEK, note: "No function calling: a request with tools is served by deepseek-chat." },
    },
  },
  // Meta (open weights, priced at Together AI) -----------------------------------------------
  {
    id: "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo",
    provider: "meta",
    host: "Together AI",
    displayName: "Llama 3.1 8B Instruct Turbo",
    tier: "economy",
    inputPriceMicrosPerMTok: 18_000_000,
    outputPriceMicrosPerMTok: 18_000_000,
    qualityBps: 6_930,
    latencyMsP50: 3_484,
    contextTokens: 131_072,
    maxOutputTokens: 8_192,
    capabilities: ["tools", "json"],
    sources: {
      price: TOGETHER_PRICE,
      quality: { ...ARENA, entry: "Meta-Llama-3.1-8B-Instruct", arenaScore: 1193 },
      latency: {
        ...SPEED,
        url: "https://www.getapipulse.com/blog-llm-latency.html",
        asOf: "undated ('Speed Benchmarks 2026')",
        entry: "Llama 3.1 8B (Together.ai)",
        timeToFirstTokenMs: 150,
        outputTokensPerSecond: 150,
        note: "Measured on Together AI, the host priced here.",
      },
      limits: {
        retrieved: RETRIEVED,
        estimated: true,
        rule: `Context 131,072 (Llama 3.1's 128K window, best knowledge). ${NO_PUBLISHED_OUTPUT_CAP}`,
      },
      capabilities: CAPABILITIES_KNOWN,
    },
  },
  {
    id: "meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8",
    provider: "meta",
    host: "Together AI",
    displayName: "Llama 4 Maverick",
    tier: "economy",
    inputPriceMicrosPerMTok: 27_000_000,
    outputPriceMicrosPerMTok: 85_000_000,
    qualityBps: 7_920,
    latencyMsP50: 5_806,
    contextTokens: 524_288,
    maxOutputTokens: 8_192,
    capabilities: ["tools", "json", "vision", "long_context"],
    sources: {
      price: TOGETHER_PRICE,
      quality: {
        ...ARENA,
        entry: "Llama-4-Maverick-17B-128E-Instruct",
        arenaScore: 1292,
        note: "The released model's row, not Llama-4-Maverick-03-26-Experimental (1416).",
      },
      latency: { ...SPEED, entry: "Llama 4 Maverick", timeToFirstTokenMs: 250, outputTokensPerSecond: 90 },
      limits: {
        url: "https://promptfoo.dev/docs/providers/togetherai/",
        retrieved: RETRIEVED,
        estimated: true,
        rule: `Context 524,288 from the page. ${NO_PUBLISHED_OUTPUT_CAP}`,
      },
      capabilities: CAPABILITIES_KNOWN,
    },
  },
  {
    id: "meta-llama/Llama-3.3-70B-Instruct-Turbo",
    provider: "meta",
    host: "Together AI",
    displayName: "Llama 3.3 70B Instruct Turbo",
    tier: "standard",
    inputPriceMicrosPerMTok: 88_000_000,
    outputPriceMicrosPerMTok: 88_000_000,
    qualityBps: 7_750,
    latencyMsP50: 5_806,
    contextTokens: 131_072,
    maxOutputTokens: 8_192,
    capabilities: ["tools", "json"],
    sources: {
      price: TOGETHER_PRICE,
      quality: { ...ARENA, entry: "Llama-3.3-70B-Instruct", arenaScore: 1275 },
      latency: {
        ...SPEED,
        entry: "Llama 4 Maverick",
        timeToFirstTokenMs: 250,
        outputTokensPerSecond: 90,
        ...speedOfSibling("Llama 4 Maverick", "the table's Meta model of similar active size"),
      },
      limits: {
        retrieved: RETRIEVED,
        estimated: true,
        rule: `Context 131,072 (Llama 3.3's 128K window, best knowledge). ${NO_PUBLISHED_OUTPUT_CAP}`,
      },
      capabilities: CAPABILITIES_KNOWN,
    },
  },
  // Mistral --------------------------------------------------------------------------------
  {
    id: "mistral-small-2506",
    provider: "mistral",
    host: "Mistral La Plateforme",
    displayName: "Mistral Small 3.2",
    tier: "economy",
    inputPriceMicrosPerMTok: 10_000_000,
    outputPriceMicrosPerMTok: 30_000_000,
    qualityBps: 8_350,
    latencyMsP50: 4_327,
    contextTokens: 131_072,
    maxOutputTokens: 8_192,
    capabilities: ["tools", "json", "vision"],
    sources: {
      price: { ...MISTRAL_PRICE, note: "Entry 'mistral-small-latest' (Mistral Small 3.2)." },
      quality: { ...ARENA, entry: "Mistral-Small-2506", arenaScore: 1335 },
      latency: { ...SPEED, entry: "Mistral Small", timeToFirstTokenMs: 160, outputTokensPerSecond: 120 },
      limits: {
        retrieved: RETRIEVED,
        estimated: true,
        rule: `Context 131,072 (128K, Mistral model docs, best knowledge). ${NO_PUBLISHED_OUTPUT_CAP}`,
      },
      capabilities: CAPABILITIES_KNOWN,
    },
  },
  {
    id: "codestral-2501",
    provider: "mistral",
    host: "Mistral La Plateforme",
    displayName: "Codestral 25.01",
    tier: "economy",
    inputPriceMicrosPerMTok: 30_000_000,
    outputPriceMicrosPerMTok: 90_000_000,
    qualityBps: 7_380,
    latencyMsP50: 4_327,
    contextTokens: 262_144,
    maxOutputTokens: 8_192,
    capabilities: ["json", "long_context", "code"],
    sources: {
      price: MISTRAL_PRICE,
      quality: {
        ...ARENA,
        entry: "Mistral-Small-24B-Instruct-2501",
        arenaScore: 1238,
        estimated: true,
        rule: `${ARENA.rule}, applied to Mistral Small 3 (24B, January 2025), its nearest sibling; Codestral has no arena row.`,
      },
      latency: {
        ...SPEED,
        entry: "Mistral Small",
        timeToFirstTokenMs: 160,
        outputTokensPerSecond: 120,
        ...speedOfSibling("Mistral Small", "a model of similar size from the same maker"),
      },
      limits: {
        retrieved: RETRIEVED,
        estimated: true,
        rule: `Context 262,144 (256K, Mistral model docs, best knowledge). ${NO_PUBLISHED_OUTPUT_CAP}`,
      },
      capabilities: { ...CAPABILITIES_KNOWN, note: "Code model with fill-in-the-middle; tool use not claimed." },
    },
  },
  {
    id: "mistral-medium-2505",
    provider: "mistral",
    host: "Mistral La Plateforme",
    displayName: "Mistral Medium 3",
    tier: "standard",
    inputPriceMicrosPerMTok: 40_000_000,
    outputPriceMicrosPerMTok: 200_000_000,
    qualityBps: 8_700,
    latencyMsP50: 6_947,
    contextTokens: 131_072,
    maxOutputTokens: 8_192,
    capabilities: ["tools", "json", "vision", "code"],
    sources: {
      price: { ...MISTRAL_PRICE, note: "Entry 'mistral-medium-3'." },
      quality: { ...ARENA, entry: "Mistral Medium 3", arenaScore: 1370 },
      latency: {
        ...SPEED,
        entry: "Mistral Large",
        timeToFirstTokenMs: 280,
        outputTokensPerSecond: 75,
        ...speedOfSibling("Mistral Large", "the nearest Mistral row by price on a log scale"),
      },
      limits: {
        retrieved: RETRIEVED,
        estimated: true,
        rule: `Context 131,072 (128K, Mistral model docs, best knowledge). ${NO_PUBLISHED_OUTPUT_CAP}`,
      },
      capabilities: CAPABILITIES_KNOWN,
    },
  },
  {
    id: "mistral-large-2411",
    provider: "mistral",
    host: "Mistral La Plateforme",
    displayName: "Mistral Large 24.11",
    tier: "premium",
    inputPriceMicrosPerMTok: 200_000_000,
    outputPriceMicrosPerMTok: 600_000_000,
    qualityBps: 7_680,
    latencyMsP50: 6_947,
    contextTokens: 131_072,
    maxOutputTokens: 8_192,
    capabilities: ["tools", "json"],
    sources: {
      price: MISTRAL_PRICE,
      quality: { ...ARENA, entry: "Mistral-Large-2411", arenaScore: 1268 },
      latency: { ...SPEED, entry: "Mistral Large", timeToFirstTokenMs: 280, outputTokensPerSecond: 75 },
      limits: {
        retrieved: RETRIEVED,
        estimated: true,
        rule: `Context 131,072 (128K, Mistral model docs, best knowledge). ${NO_PUBLISHED_OUTPUT_CAP}`,
      },
      capabilities: CAPABILITIES_KNOWN,
    },
  },
] as const satisfies readonly ModelSpec[];

export type ModelId = (typeof MODELS)[number]["id"];
