-- TenantLedger schema v4, for the evaluation. The outbox is delivered in chain order (the outcome entry's seq), so the
-- Learner's order-dependent evaluation is the one `calybris evaluate` recomputes from the chain.
-- Rows queued before this have seq 0 and go first, by id, as before.
ALTER TABLE outbox ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
CREATE INDEX outbox_seq ON outbox (seq, id);
-- Sealed decisions per UTC day and regime, and those served with a chance under 1/20: the counts
-- of GET /v1/evaluation, kept as the decisions are sealed so no request counts the log.
CREATE TABLE decision_tally (
  day INTEGER NOT NULL,
  regime INTEGER NOT NULL,
  decisions INTEGER NOT NULL,
  low_propensity INTEGER NOT NULL,
  PRIMARY KEY (day, regime)
) WITHOUT ROWID;
-- A staged candidate's shadow counts per regime, by its configuration hash: decisions shadowed,
-- those where it chose otherwise, and those it refused (a gate or the budget) where production served.
CREATE TABLE shadow_tally (
  config_hash TEXT NOT NULL,
  regime INTEGER NOT NULL,
  decisions INTEGER NOT NULL,
  mismatches INTEGER NOT NULL,
  extra_refusals INTEGER NOT NULL,
  PRIMARY KEY (config_hash, regime)
) WITHOUT ROWID;
