-- TenantLedger schema v2: apprentice mode. Existing tenants keep routing live.
ALTER TABLE tenant ADD COLUMN mode TEXT NOT NULL DEFAULT 'live';
