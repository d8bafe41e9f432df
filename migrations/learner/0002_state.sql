-- Learner schema v2: the learned state (policy content with floors, Beta counts and regime
-- statistics, plus apprentice figures) as one canonical JSON row, updated with each batch.
CREATE TABLE learner_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  state TEXT NOT NULL,
  version INTEGER NOT NULL
);
