// The real data sets live beside the checkout (../shared/data, or $CALYBRIS_DATA), never in it.
// A clone without them still passes `npm test`: the suites that read them skip, and the global
// setup says so in one line. Under CI (CI set) a missing folder fails the run instead.

import { existsSync } from "node:fs";
import { describe } from "vitest";
import { defaultDataDir } from "../../../src/cli/gzip-data-reader.ts";

export const DATA_DIR = defaultDataDir();
export const HAS_REAL_DATA = existsSync(DATA_DIR);

/** `describe` for suites that read the real data sets: skipped when the folder is absent. */
export const describeRealData = describe.skipIf(!HAS_REAL_DATA);
