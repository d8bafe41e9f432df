-- Learner schema v1: every published policy snapshot (kept so a replay can find the one a
-- decision referenced), and the ids of outcomes already learned (exactly-once learning).
CREATE TABLE snapshots (
  version INTEGER PRIMARY KEY,
  hash TEXT NOT NULL,
  content TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL
);
CREATE INDEX snapshots_by_hash ON snapshots (hash);
CREATE TABLE learned_outcomes (
  id TEXT PRIMARY KEY,
  learned_at_ms INTEGER NOT NULL
);
