// The operations of the workerd model test (./ledger-model-driver.ts) and their fast-check
// arbitraries: abstract, so that fast-check can shrink them; ids and fingerprints are resolved
// against the run's state when an operation runs. They mirror test/node/ledger/ledger-model-driver.ts.

import fc from "fast-check";
import { RESERVATION_TTL_MS, type WebhookAuth } from "./ledger-do-fixtures.ts";

export type TargetKind = "known" | "any_entry" | "unknown";

/** Operations that are one RPC call each, so that a burst can send several at once. */
export type RpcOp =
  | { readonly kind: "create"; readonly amount: unknown }
  | { readonly kind: "top_up"; readonly id: number; readonly amount: unknown }
  | {
      readonly kind: "decide";
      readonly reuseId: number | null;
      readonly key: number | null;
      readonly digest: number;
      readonly costs: readonly unknown[];
      readonly recordValid: boolean;
      readonly wrongKey: boolean;
    }
  | {
      readonly kind: "outcome";
      readonly webhook: number;
      readonly target: number;
      readonly targetKind: TargetKind;
      /** Names model-<pick>; decisions rank model-0 to model-3, so 4 is never offered. */
      readonly modelPick: number;
      readonly actual: unknown;
      readonly recordValid: boolean;
      readonly auth: WebhookAuth;
      /** Sends the run's previous outcome again, same webhook-id and body: a sender's retry. */
      readonly repeat: boolean;
    }
  | { readonly kind: "release"; readonly target: number; readonly targetKind: TargetKind }
  | { readonly kind: "status"; readonly suspend: boolean }
  /** An admin's policy lifecycle event; "float" and "array" are records the ledger must refuse. */
  | { readonly kind: "policy"; readonly record: "object" | "float" | "array" };

export type Op =
  | RpcOp
  /** The engine's expire command at the object's now + TTL + 1 - lagMs (an expiry alarm 10 minutes late). */
  | { readonly kind: "expire"; readonly lagMs: number; readonly limit: number }
  /** The scheduled alarm through runDurableObjectAlarm, once or twice in a row. */
  | { readonly kind: "alarm"; readonly times: number }
  /** alarm() delivered although none is scheduled: a duplicated delivery. */
  | { readonly kind: "spurious_alarm" }
  | { readonly kind: "evict" }
  /** Several RPC calls sent at once, so that they can share one storage transaction. */
  | { readonly kind: "burst"; readonly ops: readonly RpcOp[] };

/** Amounts that are not money; over RPC NaN, the infinities and -0 survive structured clone. */
export const POISON_AMOUNTS: readonly unknown[] = [Number.NaN, Infinity, -Infinity, -0, 1e300, 2 ** 53, -1, 1.5, "5", null];

const amount = (maxMicros: number): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 14, arbitrary: fc.integer({ min: 0, max: maxMicros }) },
    { weight: 1, arbitrary: fc.constantFrom(0, 1, 2 ** 31 - 1, 2 ** 53 - 2, 2 ** 53 - 1) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }) },
    { weight: 2, arbitrary: fc.constantFrom(...POISON_AMOUNTS) },
  );
const targetKind = fc.constantFrom<TargetKind>("known", "known", "known", "known", "any_entry", "unknown");
const mostly = (rare: boolean): fc.Arbitrary<boolean> =>
  fc.oneof({ weight: 19, arbitrary: fc.constant(!rare) }, { weight: 1, arbitrary: fc.constant(rare) });

const rpcOp: fc.Arbitrary<RpcOp> = fc.oneof(
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("create" as const), amount: amount(20_000) }) },
  {
    weight: 8,
    // A few fixed amounts, so that a reused top-up id often comes with its first amount (a replay).
    arbitrary: fc.record({
      kind: fc.constant("top_up" as const),
      id: fc.nat(7),
      amount: fc.oneof(amount(5_000), fc.constantFrom(100, 2_500)),
    }),
  },
  {
    weight: 26,
    arbitrary: fc.record({
      kind: fc.constant("decide" as const),
      reuseId: fc.oneof({ weight: 9, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.nat(50) }),
      key: fc.option(fc.nat(5), { freq: 2 }),
      digest: fc.nat(1),
      // 1 to 4 ranked candidates; now and then none (a kernel gate refused: not_evaluated).
      costs: fc.oneof(
        { weight: 15, arbitrary: fc.array(amount(5_000), { minLength: 1, maxLength: 4 }) },
        { weight: 1, arbitrary: fc.constant([]) },
      ),
      recordValid: mostly(false),
      wrongKey: fc.oneof({ weight: 39, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    }),
  },
  {
    weight: 18,
    arbitrary: fc.record({
      kind: fc.constant("outcome" as const),
      webhook: fc.nat(11),
      target: fc.nat(60),
      targetKind,
      modelPick: fc.constantFrom(0, 0, 0, 0, 1, 2, 3, 4),
      actual: amount(10_000),
      recordValid: mostly(false),
      repeat: fc.constantFrom(false, false, false, true),
      auth: fc.constantFrom<WebhookAuth>(...Array<WebhookAuth>(18).fill("valid"), "bad_signature", "stale"),
    }),
  },
  { weight: 8, arbitrary: fc.record({ kind: fc.constant("release" as const), target: fc.nat(60), targetKind }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("status" as const), suspend: fc.constantFrom(true, false, false) }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("policy" as const), record: fc.constantFrom("object", "object", "object", "float", "array") }),
  },
);

export const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  { weight: 63, arbitrary: rpcOp },
  // Lags around the spread of the reservations' creation times, so that some expire and some not.
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("expire" as const),
      lagMs: fc.constantFrom(0, 0, 0, 2, 20, 200, RESERVATION_TTL_MS + 1),
      limit: fc.constantFrom(1, 2, 500, 500),
    }),
  },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("alarm" as const), times: fc.constantFrom(1, 1, 2) }) },
  { weight: 1, arbitrary: fc.constant({ kind: "spurious_alarm" as const }) },
  { weight: 5, arbitrary: fc.constant({ kind: "evict" as const }) },
  // No tenant creation in a burst: whether a call that arrives beside it finds the tenant depends
  // on whether its batch committed first, which is the object's right to decide, not the model's.
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("burst" as const),
      ops: fc.array(
        rpcOp.filter((op) => op.kind !== "create"),
        { minLength: 2, maxLength: 4 },
      ),
    }),
  },
);

/** A run: a tenant creation (sometimes with a poisoned amount) and then up to `opsMax - 1` operations. */
export function runArbitrary(opsMax: number): fc.Arbitrary<readonly Op[]> {
  const first = fc.record({ kind: fc.constant("create" as const), amount: amount(20_000) });
  return fc
    .tuple(first, fc.array(opArbitrary, { minLength: 0, maxLength: opsMax - 1, size: "max" }))
    .map(([head, rest]) => [head, ...rest]);
}
