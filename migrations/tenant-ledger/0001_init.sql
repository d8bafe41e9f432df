-- TenantLedger schema v1: the chain, its Merkle nodes, the budget head, reservations,
-- idempotency records, the outcome outbox and signed checkpoints. Hashes are lowercase hex.
CREATE TABLE head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  size INTEGER NOT NULL,
  head_hex TEXT NOT NULL,
  credited_micros INTEGER NOT NULL,
  committed_micros INTEGER NOT NULL,
  reserved_micros INTEGER NOT NULL,
  checkpoint_size INTEGER NOT NULL
);
CREATE TABLE tenant (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  tenant_id TEXT NOT NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  allowed_provider_mask INTEGER NOT NULL,
  rate_limit_per_minute INTEGER NOT NULL,
  cost_cap_micros INTEGER NOT NULL,
  api_key_hash_hex TEXT NOT NULL,
  api_key_id TEXT NOT NULL,
  webhook_secret TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL
);
CREATE TABLE entries (
  seq INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  ts_ms INTEGER NOT NULL,
  fp_hex TEXT NOT NULL,
  line TEXT NOT NULL
);
CREATE TABLE merkle_nodes (
  level INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  hash_hex TEXT NOT NULL,
  PRIMARY KEY (level, idx)
) WITHOUT ROWID;
CREATE TABLE reservations (
  id TEXT PRIMARY KEY,
  decision_seq INTEGER NOT NULL,
  amount_micros INTEGER NOT NULL,
  created_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL,
  status TEXT NOT NULL,
  resolved_seq INTEGER NOT NULL
);
CREATE INDEX reservations_open_by_expiry ON reservations (expires_at_ms, id) WHERE status = 'open';
CREATE TABLE keyed (
  scope TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (scope, key)
) WITHOUT ROWID;
CREATE TABLE outbox (
  id TEXT PRIMARY KEY,
  payload TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_ms INTEGER NOT NULL
);
CREATE INDEX outbox_by_next_attempt ON outbox (next_attempt_ms);
CREATE TABLE checkpoints (
  tree_size INTEGER PRIMARY KEY,
  root_hex TEXT NOT NULL,
  note TEXT NOT NULL,
  seq INTEGER NOT NULL
);
