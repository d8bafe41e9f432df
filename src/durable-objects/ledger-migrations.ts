// The TenantLedger's migrations, in order. The SQL lives in migrations/tenant-ledger/.

import type { Migration } from "./migrate.ts";
import init from "../../migrations/tenant-ledger/0001_init.sql";
import tenantMode from "../../migrations/tenant-ledger/0002_tenant_mode.sql";
import tenantPack from "../../migrations/tenant-ledger/0003_tenant_pack.sql";
import evaluation from "../../migrations/tenant-ledger/0004_evaluation.sql";
import usage from "../../migrations/tenant-ledger/0005_usage.sql";

export const LEDGER_MIGRATIONS: readonly Migration[] = [
  { version: 1, name: "0001_init", sql: init },
  { version: 2, name: "0002_tenant_mode", sql: tenantMode },
  { version: 3, name: "0003_tenant_pack", sql: tenantPack },
  { version: 4, name: "0004_evaluation", sql: evaluation },
  { version: 5, name: "0005_usage", sql: usage },
];
