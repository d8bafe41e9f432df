// The Learner's migrations, in order. The SQL lives in migrations/learner/.

import type { Migration } from "./migrate.ts";
import init from "../../migrations/learner/0001_init.sql";

export const LEARNER_MIGRATIONS: readonly Migration[] = [{ version: 1, name: "0001_init", sql: init }];
