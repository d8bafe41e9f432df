-- Learner schema v3: the domain pack the tenant learns with. Existing Learners learn LLM routing.
ALTER TABLE learner_state ADD COLUMN pack TEXT NOT NULL DEFAULT 'llm';
