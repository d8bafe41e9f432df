// Runs once before the Node project: names the data folder when the real-data suites skip, and
// refuses to skip them under CI, where the data sets must be present.

import { DATA_DIR, HAS_REAL_DATA } from "./real-data.ts";

export default function setup(): void {
  if (HAS_REAL_DATA) return;
  if (process.env.CI !== undefined && process.env.CI !== "" && process.env.CI !== "false") {
    throw new Error(`CI is set but the real data sets are missing: no folder ${DATA_DIR} (set CALYBRIS_DATA)`);
  }
  process.stderr.write(`real-data suites skipped: no data folder ${DATA_DIR} (set CALYBRIS_DATA to run them)\n`);
}
