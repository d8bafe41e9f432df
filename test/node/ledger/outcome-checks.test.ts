// The outcome command's two checks against what the decision was: a webhook-id is a promise that
// the same message comes back, so the same id with another body is refused (webhook_id_reused),
// and an outcome names an option the decision offered (outcome_model_not_offered). A refusal
// writes nothing; rows stored before either check existed keep their old meaning.

import { describe, expect, test } from "vitest";
import type { OutcomeCommand } from "../../../src/ledger/commands.ts";
import type { LedgerEngine } from "../../../src/ledger/engine.ts";
import { MemoryStore } from "../../../src/ledger/memory-store.ts";
import { createTenantCommand, decideCommand, microtaskEngine, outcomeCommand } from "./ledger-fixtures.ts";

interface Decided {
  readonly engine: LedgerEngine;
  readonly store: MemoryStore;
  /** Fingerprints of decisions a (ranks model-0, model-1, model-2; budget covers model-0) and b. */
  readonly a: string;
  readonly b: string;
}

async function decided(): Promise<Decided> {
  const store = new MemoryStore();
  const engine = microtaskEngine(store);
  await engine.submit(createTenantCommand(1_000_000));
  const a = await engine.submit(decideCommand({ decisionId: "a", costs: [100, 50, 10], nowMs: 0 }));
  const b = await engine.submit(decideCommand({ decisionId: "b", costs: [200], nowMs: 0 }));
  if (!a.ok || !b.ok) throw new Error("setup decisions refused");
  return { engine, store, a: a.fingerprint, b: b.fingerprint };
}

const outcome = (webhookId: string, fingerprint: string, overrides: Partial<OutcomeCommand> = {}): OutcomeCommand => ({
  ...outcomeCommand(webhookId, fingerprint, 80, 1),
  ...overrides,
});

/** The store's writes so far, to prove that a refusal added none. */
const writesOf = (store: MemoryStore): number => store.writeCount;

describe("a reused webhook-id", () => {
  test("with the same body answers the first result and applies nothing", async () => {
    const { engine, store, a } = await decided();
    const first = await engine.submit(outcome("wh-1", a));
    const writes = writesOf(store);
    const again = await engine.submit(outcome("wh-1", a));
    expect(first).toMatchObject({ ok: true, replayed: false });
    expect(again).toEqual({ ...first, replayed: true });
    expect(writesOf(store)).toBe(writes);
  });

  test.each([
    ["another decision", (d: Decided) => outcome("wh-1", d.b, { requestDigestHex: "another body" })],
    [
      "another cost for the same decision",
      (d: Decided) => outcome("wh-1", d.a, { actualCostMicros: 81, requestDigestHex: "another body" }),
    ],
  ])("with another body (%s) is refused as webhook_id_reused and writes nothing", async (_name, second) => {
    const d = await decided();
    expect(await d.engine.submit(outcome("wh-1", d.a))).toMatchObject({ ok: true });
    const head = d.engine.head;
    const writes = writesOf(d.store);
    expect(await d.engine.submit(second(d))).toMatchObject({ ok: false, code: "webhook_id_reused" });
    expect(d.engine.head).toEqual(head);
    expect(writesOf(d.store)).toBe(writes);
    // Decision b is still open: its own outcome, under its own id, settles it.
    expect(await d.engine.submit(outcome("wh-2", d.b, { model: "model-0" }))).toMatchObject({ ok: true, replayed: false });
  });

  test("stored before digests were kept (a bare result) is still answered as a replay", async () => {
    const { engine, store, a } = await decided();
    const first = await engine.submit(outcome("wh-old", a));
    if (!first.ok) throw new Error("first outcome refused");
    // The row as the ledger wrote it before this change: the result alone, no digest.
    store.commit([{ table: "keyed", scope: "webhook", key: "wh-old", value: JSON.stringify(first) }]);
    expect(await engine.submit(outcome("wh-old", a, { requestDigestHex: "whatever" }))).toEqual({ ...first, replayed: true });
  });
});

describe("the model an outcome names", () => {
  test.each(["model-0", "model-1", "model-2"])("%s, ranked by the decision, is settled", async (model) => {
    const { engine, a } = await decided();
    expect(await engine.submit(outcome("wh-1", a, { model }))).toMatchObject({ ok: true, committedMicros: 80 });
  });

  test.each(["model-3", "", "MODEL-0", "model-0 "])("%j, never offered, is refused and writes nothing", async (model) => {
    const { engine, store, a } = await decided();
    const writes = writesOf(store);
    expect(await engine.submit(outcome("wh-1", a, { model }))).toMatchObject({ ok: false, code: "outcome_model_not_offered" });
    expect(writesOf(store)).toBe(writes);
    expect(engine.budget().reservedMicros).toBe(300);
  });

  test("a decision with one candidate (apprentice mode: the tenant's own choice) accepts only it", async () => {
    const { engine, b } = await decided();
    expect(await engine.submit(outcome("wh-1", b, { model: "model-1" }))).toMatchObject({ ok: false, code: "outcome_model_not_offered" });
    expect(await engine.submit(outcome("wh-2", b, { model: "model-0" }))).toMatchObject({ ok: true });
  });

  test("a decision stored before its options were kept accepts any model", async () => {
    const { engine, store, a } = await decided();
    const stored = JSON.parse(store.readKeyed("decision_fp", a)!) as Record<string, unknown>;
    delete stored.offered;
    store.commit([{ table: "keyed", scope: "decision_fp", key: a, value: JSON.stringify(stored) }]);
    expect(await engine.submit(outcome("wh-1", a, { model: "model-9" }))).toMatchObject({ ok: true });
  });

  test("is checked after decision_not_reserved and before outcome_already_recorded", async () => {
    const { engine, a } = await decided();
    const refused = await engine.submit(decideCommand({ decisionId: "c", costs: [], nowMs: 0 }));
    if (!refused.ok) throw new Error("setup refused");
    expect(await engine.submit(outcome("wh-1", refused.fingerprint, { model: "nope" }))).toMatchObject({ code: "decision_not_reserved" });
    expect(await engine.submit(outcome("wh-2", a))).toMatchObject({ ok: true });
    expect(await engine.submit(outcome("wh-3", a, { model: "nope" }))).toMatchObject({ code: "outcome_model_not_offered" });
    expect(await engine.submit(outcome("wh-4", a))).toMatchObject({ code: "outcome_already_recorded" });
  });
});
