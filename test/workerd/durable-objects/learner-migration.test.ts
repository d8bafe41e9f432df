// Schema migrations of the Learner on a real object, one test per step (the cloudflare/agents
// pattern): the older schema is made by hand on a fresh object (its tables dropped, then only the
// earlier migrations applied), rows go in as the older code wrote them, and the object then starts,
// migrates and serves. 0001 starts from no tables; 0002 from v1's snapshots and learned ids; 0003
// from v2's learned state, which gains the tenant's pack (every Learner before packs was an LLM one).
//
// v1's rows: the code of schema v1 (commit 1acea0e) published the warm start as snapshot version 0
// on first use and recorded delivered outcome ids in learned_outcomes without learning them. Its
// policy content had no `stats` and its content hash left them out; that row is planted exactly so.

import { env } from "cloudflare:workers";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { describe, expect, it } from "vitest";
import { LEARNER_MIGRATIONS } from "../../../src/durable-objects/learner-migrations.ts";
import type { Learner } from "../../../src/durable-objects/learner.ts";
import { currentVersion, migrate } from "../../../src/durable-objects/migrate.ts";
import { LLM_PACK } from "../../../src/domain/llm/pack.ts";
import { PACKS } from "../../../src/domain/packs.ts";
import type { OutcomePayload } from "../../../src/learning/learner-input.ts";
import { applyOutcome, initialLearnerState } from "../../../src/learning/learner-state.ts";
import { contentHash, type PolicyContent } from "../../../src/learning/policy-snapshot.ts";
import { warmStartContent } from "../../../src/learning/warm-start.ts";
import { canonicalJson } from "../../../src/ledger/canonical.ts";
import { dumpTables, freshName, type SqlRow } from "./ledger-do-fixtures.ts";

/** The migration steps this file tests, by version: a new migration must add its test and its version here. */
const TESTED_STEPS = [1, 2, 3, 4];

type LearnerStub = DurableObjectStub<Learner>;

function learnerStub(name: string): LearnerStub {
  return env.LEARNER.get(env.LEARNER.idFromName(name));
}

/** Makes the object's schema exactly that of version `target` (0 = no tables) and runs `write` on it. */
function plantSchema(stub: LearnerStub, target: number, write: (sql: SqlStorage) => void): Promise<Record<string, SqlRow[]>> {
  return runInDurableObject(stub, (_instance: Learner, state) => {
    const sql = state.storage.sql;
    for (const row of sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'sqlite_%'")
      .toArray()) {
      sql.exec(`DROP TABLE IF EXISTS "${row.name}"`);
    }
    expect(currentVersion(sql)).toBe(0);
    if (target > 0) expect(migrate(state.storage, LEARNER_MIGRATIONS, Date.now(), target)).toEqual({ from: 0, to: target });
    state.storage.transactionSync(() => write(sql));
    return dumpTables(sql);
  });
}

function tablesOf(stub: LearnerStub): Promise<Record<string, SqlRow[]>> {
  return runInDurableObject(stub, (_instance: Learner, state) => dumpTables(state.storage.sql));
}

/** The warm start as schema v1's code wrote it: no `stats`, and a content hash without them. */
function v1WarmStart(): {
  content: Omit<PolicyContent, "stats" | "neutral" | "priorStrength" | "pooling" | "holdoutBps" | "sharpening" | "sharpenedCells">;
  hash: string;
} {
  const warm = warmStartContent(LLM_PACK);
  const content: Omit<PolicyContent, "stats" | "neutral" | "priorStrength" | "pooling" | "holdoutBps" | "sharpening" | "sharpenedCells"> = {
    regimeCount: warm.regimeCount,
    tierCount: warm.tierCount,
    sampleCount: warm.sampleCount,
    floorBps: warm.floorBps,
    floorSource: warm.floorSource,
    alpha: warm.alpha,
    beta: warm.beta,
    explorationBps: warm.explorationBps,
    latencyBpsPerSecond: warm.latencyBpsPerSecond,
  };
  const canonical = canonicalJson({
    v: 1,
    regime_count: content.regimeCount,
    tier_count: content.tierCount,
    sample_count: content.sampleCount,
    floor_bps: [...content.floorBps],
    floor_source: [...content.floorSource],
    alpha: [...content.alpha],
    beta: [...content.beta],
    exploration_bps: content.explorationBps,
    latency_bps_per_second: content.latencyBpsPerSecond,
  });
  return { content, hash: bytesToHex(sha256(utf8ToBytes(canonical))) };
}

const CODING = LLM_PACK.regimes.findIndex((regime) => regime.id === "coding");

function outcome(id: string): { id: string; payload: string } {
  const payload: OutcomePayload = {
    outcomeId: id,
    servedOption: LLM_PACK.options[0]!.id,
    context: { regime_index: CODING, input_tokens: 1_200, value_micros: 5_000_000, risk_bps: 1_000 },
    outcome: { success: true, quality_bps: null },
  };
  return { id, payload: JSON.stringify(payload) };
}

const V1_LEARNED = ["outcome-v1-a", "outcome-v1-b", "outcome-v1-c"];
const PLANTED_AT_MS = 1_700_000_000_000;

/** v1's rows: the warm start as snapshot 0, and the ids v1's learn() recorded. */
function writeV1Rows(sql: SqlStorage, snapshot: { content: unknown; hash: string }): void {
  sql.exec(
    "INSERT INTO snapshots (version, hash, content, created_at_ms) VALUES (0, ?, ?, ?)",
    snapshot.hash,
    JSON.stringify(snapshot.content),
    PLANTED_AT_MS,
  );
  for (const id of V1_LEARNED) sql.exec("INSERT INTO learned_outcomes (id, learned_at_ms) VALUES (?, ?)", id, PLANTED_AT_MS);
}

describe("Learner schema migrations", () => {
  it("has a test below for every migration step", () => {
    expect(LEARNER_MIGRATIONS.map((migration) => migration.version)).toEqual(TESTED_STEPS);
  });

  it("0001_init: from no tables (schema v0 holds no rows), makes v1's tables, which hold v1's rows", async () => {
    const stub = learnerStub(freshName("learner-v0"));
    const v1 = v1WarmStart();
    const tables = await plantSchema(stub, 1, (sql) => writeV1Rows(sql, v1));
    expect(Object.keys(tables)).toEqual(["learned_outcomes", "schema_migrations", "snapshots"]);
    expect(tables.snapshots).toEqual([{ version: 0, hash: v1.hash, content: JSON.stringify(v1.content), created_at_ms: PLANTED_AT_MS }]);
    expect(tables.learned_outcomes).toEqual(V1_LEARNED.map((id) => ({ id, learned_at_ms: PLANTED_AT_MS })));
    // The v1 layout refuses a second snapshot under one version and a second record of one id.
    await runInDurableObject(stub, (_instance: Learner, state) => {
      expect(() =>
        state.storage.sql.exec("INSERT INTO snapshots (version, hash, content, created_at_ms) VALUES (0, 'x', '{}', 0)"),
      ).toThrow(/UNIQUE/);
      expect(() => state.storage.sql.exec("INSERT INTO learned_outcomes (id, learned_at_ms) VALUES (?, 0)", V1_LEARNED[0]!)).toThrow(
        /UNIQUE/,
      );
    });
  });

  it("0002_state: an object left at v1 with rows migrates on its next start, keeps every row, and learns on", async () => {
    const stub = learnerStub(freshName("learner-v1"));
    const v1 = v1WarmStart();
    const v1Tables = await plantSchema(stub, 1, (sql) => writeV1Rows(sql, v1));

    await evictDurableObject(stub);
    // v1 kept no state: the Learner starts from the warm start, whose content (with stats) is not
    // the v1 snapshot's, so it is published as version 1 and v1's version 0 stays what it was.
    const warm = warmStartContent(LLM_PACK);
    expect(await stub.snapshot("llm")).toMatchObject({ version: 1, hash: contentHash(warm) });
    const v2Tables = await tablesOf(stub);
    expect(v2Tables.schema_migrations!.map((row) => row.version)).toEqual(LEARNER_MIGRATIONS.map((migration) => migration.version));
    expect(v2Tables.learned_outcomes).toEqual(v1Tables.learned_outcomes);
    expect(v2Tables.snapshots![0]).toEqual(v1Tables.snapshots![0]);
    expect(v2Tables.snapshots!.map((row) => [row.version, row.hash])).toEqual([
      [0, v1.hash],
      [1, contentHash(warm)],
    ]);
    expect(v2Tables.learner_state!.map((row) => row.version)).toEqual([1]);

    // Ids v1 recorded stay learned: a redelivery of one is acknowledged and skipped, a new one is learned.
    expect(await stub.learnedCount()).toBe(V1_LEARNED.length);
    expect(await stub.learn("llm", [outcome(V1_LEARNED[0]!), outcome("outcome-v2-a")])).toEqual({
      accepted: [V1_LEARNED[0], "outcome-v2-a"],
    });
    expect(await stub.learnedCount()).toBe(V1_LEARNED.length + 1);
    const regimes = await stub.regimes("llm");
    expect(regimes).toMatchObject({ version: 2, outcomes: 1 });
    expect(await stub.snapshotByHash("llm", contentHash(warm))).toMatchObject({ version: 1 });
    expect(await stub.snapshotByHash("llm", regimes.hash)).toMatchObject({ version: 2 });

    // The state row survives a restart: nothing is learned twice, no version is published again.
    await evictDurableObject(stub);
    expect(await stub.learn("llm", [outcome("outcome-v2-a")])).toEqual({ accepted: ["outcome-v2-a"] });
    expect(await stub.regimes("llm")).toMatchObject({ version: 2, outcomes: 1, hash: regimes.hash });
    const after = await tablesOf(stub);
    expect(after.snapshots!.map((row) => row.version)).toEqual([0, 1, 2]);
    expect(after.snapshots!.slice(0, 2)).toEqual(v2Tables.snapshots);
  });

  it("0002_state: a v1 snapshot of the warm start's very content is adopted as the state's version", async () => {
    // Planted in today's format (with stats), so that its hash is today's warm start's.
    const stub = learnerStub(freshName("learner-v1-same"));
    const warm = warmStartContent(LLM_PACK);
    const v1Tables = await plantSchema(stub, 1, (sql) => writeV1Rows(sql, { content: warm, hash: contentHash(warm) }));
    await evictDurableObject(stub);
    expect(await stub.snapshot("llm")).toMatchObject({ version: 0, hash: contentHash(warm) });
    expect(await stub.snapshotByHash("llm", contentHash(warm))).toMatchObject({ version: 0 });
    const v2Tables = await tablesOf(stub);
    expect(v2Tables.snapshots).toEqual(v1Tables.snapshots);
    expect(v2Tables.learner_state!.map((row) => row.version)).toEqual([0]);
    await stub.learn("llm", [outcome("outcome-v2-a")]);
    expect(await stub.regimes("llm")).toMatchObject({ version: 1, outcomes: 1 });
  });

  it("0003_pack: a v2 object with a learned state keeps it and learns on as an LLM tenant", async () => {
    const stub = learnerStub(freshName("learner-v2"));
    // v2's rows: the state after two learned outcomes, its snapshot, and their ids.
    const costOf = () => 0;
    let state = initialLearnerState(LLM_PACK);
    for (const id of ["outcome-v2-a", "outcome-v2-b"])
      state = applyOutcome(state, LLM_PACK, JSON.parse(outcome(id).payload) as OutcomePayload, costOf);
    const hash = contentHash(state.content);
    const v2Tables = await plantSchema(stub, 2, (sql) => {
      sql.exec(
        "INSERT INTO snapshots (version, hash, content, created_at_ms) VALUES (1, ?, ?, ?)",
        hash,
        JSON.stringify(state.content),
        PLANTED_AT_MS,
      );
      for (const id of ["outcome-v2-a", "outcome-v2-b"])
        sql.exec("INSERT INTO learned_outcomes (id, learned_at_ms) VALUES (?, ?)", id, PLANTED_AT_MS);
      sql.exec("INSERT INTO learner_state (id, state, version) VALUES (1, ?, 1)", JSON.stringify(state));
    });
    expect(Object.keys(v2Tables.learner_state![0]!)).toEqual(["id", "state", "version"]);
    await evictDurableObject(stub);
    // Asked as a security tenant's Learner would be: the stored state decides, and it is an LLM one.
    const report = await stub.regimes("security");
    expect(report).toMatchObject({ pack: "llm", version: 1, outcomes: 2, hash });
    expect(report.regimes.map((regime) => regime.regime)).toEqual(LLM_PACK.regimes.map((regime) => regime.id));
    const v3Tables = await tablesOf(stub);
    expect(v3Tables.learner_state).toEqual([{ ...v2Tables.learner_state![0]!, pack: "llm" }]);
    expect(v3Tables.snapshots).toEqual(v2Tables.snapshots);
    expect(v3Tables.learned_outcomes).toEqual(v2Tables.learned_outcomes);
    expect(await stub.learn("llm", [outcome("outcome-v2-a"), outcome("outcome-v3-a")])).toEqual({
      accepted: ["outcome-v2-a", "outcome-v3-a"],
    });
    expect(await stub.regimes("llm")).toMatchObject({ version: 2, outcomes: 3 });
  });

  it("0003_pack: a new Learner starts in the pack it is asked for, and keeps it", async () => {
    const stub = learnerStub(freshName("learner-pack"));
    const security = PACKS.security;
    expect((await stub.regimes("security")).regimes.map((regime) => regime.regime)).toEqual(security.regimes.map((regime) => regime.id));
    await evictDurableObject(stub);
    expect(await stub.regimes("llm")).toMatchObject({ pack: "security" });
    expect((await tablesOf(stub)).learner_state!.map((row) => row.pack)).toEqual(["security"]);
  });

  it("0004_evaluation: a v3 object with a learned state keeps every row, then evaluates the outcomes it learns next", async () => {
    const stub = learnerStub(freshName("learner-v3"));
    const costOf = () => 0;
    const state = applyOutcome(
      initialLearnerState(LLM_PACK),
      LLM_PACK,
      JSON.parse(outcome("outcome-v3-a").payload) as OutcomePayload,
      costOf,
    );
    const hash = contentHash(state.content);
    const v3Tables = await plantSchema(stub, 3, (sql) => {
      sql.exec(
        "INSERT INTO snapshots (version, hash, content, created_at_ms) VALUES (1, ?, ?, ?)",
        hash,
        JSON.stringify(state.content),
        PLANTED_AT_MS,
      );
      sql.exec("INSERT INTO learned_outcomes (id, learned_at_ms) VALUES (?, ?)", "outcome-v3-a", PLANTED_AT_MS);
      sql.exec("INSERT INTO learner_state (id, state, version, pack) VALUES (1, ?, 1, 'llm')", JSON.stringify(state));
    });
    await evictDurableObject(stub);
    expect(await stub.regimes("llm")).toMatchObject({ pack: "llm", version: 1, outcomes: 1, hash });
    const v4Tables = await tablesOf(stub);
    for (const [table, rows] of Object.entries(v3Tables)) if (table !== "schema_migrations") expect(v4Tables[table], table).toEqual(rows);
    expect([v4Tables.evaluation ?? [], v4Tables.evaluation_days ?? []]).toEqual([[], []]);
    // An outcome with its decision's sealed context is evaluated; one queued before the context (no propensity) is counted as skipped.
    const sealed: OutcomePayload = {
      ...(JSON.parse(outcome("outcome-v4-a").payload) as OutcomePayload),
      outcomeSeq: 7,
      outcomeTs: PLANTED_AT_MS,
      servedRank: 0,
      context: {
        regime_index: CODING,
        input_tokens: 1_200,
        value_micros: 5_000_000,
        risk_bps: 1_000,
        propensity: { numerator: 1, denominator: 2 },
        holdout: false,
        mode: "live",
        floor_bps: 5_000,
        predicted_bps: [7_000],
        latency_bps_per_second: 0,
      },
      outcome: { success: true, quality_bps: null, actual_cost_micros: 1_000 },
    };
    await stub.learn("llm", [{ id: "outcome-v4-a", payload: JSON.stringify(sealed) }, outcome("outcome-v4-b")]);
    const answer = await stub.evaluation("llm", { regime: null, sinceDay: null }, [], null);
    expect(answer.ok && answer.answer.counts).toMatchObject({ outcomes: 1, not_evaluated: { unknown_option: 1 } });
    expect(answer.ok && answer.answer.first_outcome_seq).toBe(7);
    const after = await tablesOf(stub);
    expect(after.evaluation).toHaveLength(1);
    expect(after.evaluation_days!.map((row) => row.day)).toEqual([Math.floor(PLANTED_AT_MS / 86_400_000)]);
  });

  it("applies nothing when the migrations run again, and refuses a database newer than the code", async () => {
    const stub = learnerStub(freshName("learner-again"));
    await stub.learn("llm", [outcome("outcome-a")]);
    await runInDurableObject(stub, (_instance: Learner, state) => {
      const before = dumpTables(state.storage.sql);
      const known = LEARNER_MIGRATIONS.at(-1)!.version;
      expect(migrate(state.storage, LEARNER_MIGRATIONS, Date.now())).toEqual({ from: known, to: known });
      expect(dumpTables(state.storage.sql)).toEqual(before);
      state.storage.sql.exec("INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (?, 'from_the_future', 0)", known + 1);
      expect(() => migrate(state.storage, LEARNER_MIGRATIONS, Date.now())).toThrow(
        `schema version ${known + 1} is newer than this code (${known})`,
      );
      state.storage.sql.exec("DELETE FROM schema_migrations WHERE version = ?", known + 1);
    });
  });
});
