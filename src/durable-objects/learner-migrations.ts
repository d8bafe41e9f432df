// The Learner's migrations, in order. The SQL lives in migrations/learner/.

import type { Migration } from "./migrate.ts";
import init from "../../migrations/learner/0001_init.sql";
import state from "../../migrations/learner/0002_state.sql";

export const LEARNER_MIGRATIONS: readonly Migration[] = [
  { version: 1, name: "0001_init", sql: init },
  { version: 2, name: "0002_state", sql: state },
];
