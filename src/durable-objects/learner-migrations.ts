// The Learner's migrations, in order. The SQL lives in migrations/learner/.

import type { Migration } from "./migrate.ts";
import init from "../../migrations/learner/0001_init.sql";
import state from "../../migrations/learner/0002_state.sql";
import pack from "../../migrations/learner/0003_pack.sql";
import evaluation from "../../migrations/learner/0004_evaluation.sql";

export const LEARNER_MIGRATIONS: readonly Migration[] = [
  { version: 1, name: "0001_init", sql: init },
  { version: 2, name: "0002_state", sql: state },
  { version: 3, name: "0003_pack", sql: pack },
  { version: 4, name: "0004_evaluation", sql: evaluation },
];
