-- Learner schema v4: the evaluation on the live log (src/learning/evaluation). One row holds the
-- sums over every evaluated outcome and the book's meta; one row per UTC day holds that day's
-- terms, so GET /v1/evaluation?since= adds at most 92 rows and never reads the log.
CREATE TABLE evaluation (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  whole TEXT NOT NULL,
  meta TEXT NOT NULL
);
CREATE TABLE evaluation_days (
  day INTEGER PRIMARY KEY,
  state TEXT NOT NULL
);
-- Each staged candidate's own evaluation sums (the decisions it shadowed), by configuration hash.
CREATE TABLE evaluation_candidates (
  config_hash TEXT PRIMARY KEY,
  state TEXT NOT NULL
);
