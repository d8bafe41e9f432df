-- TenantLedger schema v5, for the dashboard. Decisions and settled spend per UTC hour, regime and
-- served option, kept in the transaction that seals the decision or settles its outcome, so the
-- dashboard's series read a bounded range of hours and never the log. A refused decision has the
-- option ''; an outcome of a decision sealed before v5 has the regime -1 (it was not stored then).
CREATE TABLE usage_hourly (
  hour INTEGER NOT NULL,
  regime INTEGER NOT NULL,
  option TEXT NOT NULL,
  decisions INTEGER NOT NULL,
  committed_micros INTEGER NOT NULL,
  PRIMARY KEY (hour, regime, option)
) WITHOUT ROWID;
