// The --candidate argument of `calybris replay`: a JSON file holding a policy configuration,
// whole or partial. Read once; checked per data set, since a field left out takes the value of
// that data set's production configuration (and the catalog version is the pack's).

import { readFileSync, statSync } from "node:fs";
import type { PolicyConfig } from "../learning/lifecycle/policy-config.ts";
import { parseReplayCandidate, productionConfig, type ReplaySettings } from "../replay/replay-config.ts";
import type { ReplayDataset } from "../replay/replay-dataset.ts";

/** A configuration is a few hundred bytes; anything far larger is the wrong file. */
const CANDIDATE_FILE_BYTES_MAX = 64 * 1024;

export type CandidateFileResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string };

/** The file's JSON value, or a message naming the file and what is wrong with it. */
export function readCandidateFile(path: string): CandidateFileResult {
  let text: string;
  try {
    const stats = statSync(path);
    if (!stats.isFile()) return { ok: false, message: `--candidate ${JSON.stringify(path)} is not a file` };
    if (stats.size > CANDIDATE_FILE_BYTES_MAX) {
      return {
        ok: false,
        message: `--candidate ${JSON.stringify(path)} holds ${stats.size} bytes, at most ${CANDIDATE_FILE_BYTES_MAX} expected`,
      };
    }
    text = readFileSync(path, "utf8");
  } catch {
    return { ok: false, message: `--candidate: no such file ${JSON.stringify(path)}` };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, message: `--candidate ${JSON.stringify(path)} is not JSON: ${(error as Error).message}` };
  }
}

export type CandidateConfigs =
  { readonly ok: true; readonly configs: readonly PolicyConfig[] } | { readonly ok: false; readonly message: string };

/** The candidate over each data set's production configuration, or the first data set it does not fit. */
export function candidateConfigs(
  value: unknown,
  datasets: readonly ReplayDataset[],
  settings: ReplaySettings,
  path: string,
): CandidateConfigs {
  const configs: PolicyConfig[] = [];
  for (const dataset of datasets) {
    const parsed = parseReplayCandidate(value, productionConfig(dataset, settings), dataset.pack);
    if (!parsed.ok) return { ok: false, message: `--candidate ${JSON.stringify(path)} for ${dataset.id}: ${parsed.problem}` };
    configs.push(parsed.config);
  }
  return { ok: true, configs };
}
