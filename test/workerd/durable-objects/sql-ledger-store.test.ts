// The TenantLedger's SQLite store (src/durable-objects/sql-ledger-store.ts) on a real object: its
// memo of recent rows never holds a row of a batch that failed to commit.

import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { SqlLedgerStore } from "../../../src/durable-objects/sql-ledger-store.ts";
import { API_KEY_HASH_HEX, decideInput, freshName, ledgerStub, tenantInput } from "./ledger-do-fixtures.ts";

/** A tenant's object with one decision sealed, so every table exists and holds rows. */
async function tenantWithDecision() {
  const name = freshName("store");
  const stub = ledgerStub(name);
  expect((await stub.createTenant(tenantInput(name, 1_000_000))).ok).toBe(true);
  expect((await stub.decide(API_KEY_HASH_HEX, decideInput("d1", 1_000))).result.ok).toBe(true);
  return { stub };
}

describe("the store's memo of recent rows", () => {
  it("holds only rows of committed batches: a failed batch's keyed row is read from SQLite, absent", async () => {
    const { stub } = await tenantWithDecision();
    await runInDurableObject(stub, (_instance, state) => {
      const store = new SqlLedgerStore(state.storage);
      store.commit([{ table: "keyed", scope: "operation", key: "memo:ok", value: "kept" }]);
      expect(store.readKeyed("operation", "memo:ok")).toBe("kept");
      // Entry 0 exists already: the duplicate primary key fails the whole transaction.
      const failing = () =>
        store.commit([
          { table: "keyed", scope: "operation", key: "memo:lost", value: "never" },
          { table: "entry", row: { seq: 0, kind: "genesis", tsMs: 0, fpHex: "00", line: "{}" } },
        ]);
      expect(failing).toThrow();
      expect(store.readKeyed("operation", "memo:lost")).toBeNull();
      expect(state.storage.sql.exec("SELECT count(*) AS n FROM keyed WHERE key = 'memo:lost'").one().n).toBe(0);
    });
  });
});
