-- TenantLedger schema v3: every tenant decides with a domain pack. Existing tenants route LLMs.
ALTER TABLE tenant ADD COLUMN pack TEXT NOT NULL DEFAULT 'llm';
