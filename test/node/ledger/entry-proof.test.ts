// The inclusion proof of one chain entry (src/ledger/entry-proof.ts), over a store filled as the
// engine fills it. Expected roots and audit paths come from a reference written here straight from
// RFC 6962 section 2.1 (MTH and PATH) on node:crypto's SHA-256: it shares no code with the ledger.

import { createHash } from "node:crypto";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { describe, expect, it } from "vitest";
import { proofTree, proveEntry, proveInclusion, type LiveTree, type ProofStore } from "../../../src/ledger/entry-proof.ts";
import { verifyInclusion } from "../../../src/ledger/merkle-proofs.ts";
import { appendLeaf } from "../../../src/ledger/merkle.ts";
import { MemoryStore } from "../../../src/ledger/memory-store.ts";
import type { CheckpointRow, LedgerWrite } from "../../../src/ledger/store.ts";

// ---- Reference: RFC 6962 section 2.1, recursive, on node:crypto ------------------------------

function sha256(...parts: Uint8Array[]): Uint8Array {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
}

const referenceLeaf = (data: Uint8Array): Uint8Array => sha256(Uint8Array.of(0), data);
const referenceNode = (left: Uint8Array, right: Uint8Array): Uint8Array => sha256(Uint8Array.of(1), left, right);

/** k: the largest power of two smaller than n (n >= 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[n]) over the leaves' data. */
function referenceRoot(data: readonly Uint8Array[]): Uint8Array {
  if (data.length === 0) return sha256();
  if (data.length === 1) return referenceLeaf(data[0]!);
  const k = split(data.length);
  return referenceNode(referenceRoot(data.slice(0, k)), referenceRoot(data.slice(k)));
}

/** PATH(m, D[n]), from the leaf up. */
function referencePath(m: number, data: readonly Uint8Array[]): Uint8Array[] {
  if (data.length <= 1) return [];
  const k = split(data.length);
  return m < k
    ? [...referencePath(m, data.slice(0, k)), referenceRoot(data.slice(k))]
    : [...referencePath(m - k, data.slice(k)), referenceRoot(data.slice(0, k))];
}

// ---- A store filled as the engine fills it -----------------------------------------------------

const LEAF_COUNT = 70;

interface Ledger {
  readonly store: MemoryStore;
  /** The fingerprint bytes of each entry: the leaves' data. */
  readonly fingerprints: readonly Uint8Array[];
  /** live(size): the live tree after `size` appends. */
  readonly live: (size: number) => LiveTree;
}

function buildLedger(checkpointSizes: readonly number[] = []): Ledger {
  const store = new MemoryStore();
  const fingerprints: Uint8Array[] = [];
  const frontiers: Uint8Array[][] = [[]];
  for (let seq = 0; seq < LEAF_COUNT; seq++) {
    const fp = sha256(new TextEncoder().encode(`entry ${seq}`));
    const { frontier, completed } = appendLeaf(frontiers[seq]!, seq, referenceLeaf(fp));
    const writes: LedgerWrite[] = [
      { table: "entry", row: { seq, kind: "decision", tsMs: 1_000 + seq, fpHex: bytesToHex(fp), line: `{"seq":${seq}}` } },
      ...completed.map((node): LedgerWrite => ({ table: "node", level: node.level, index: node.index, hash: node.hash })),
    ];
    fingerprints.push(fp);
    frontiers.push(frontier);
    if (checkpointSizes.includes(seq + 1)) writes.push({ table: "checkpoint", row: checkpointOf(fingerprints, seq + 1) });
    store.commit(writes);
  }
  return { store, fingerprints, live: (size) => ({ size, frontier: frontiers[size]! }) };
}

function checkpointOf(fingerprints: readonly Uint8Array[], treeSize: number): CheckpointRow {
  const rootHex = bytesToHex(referenceRoot(fingerprints.slice(0, treeSize)));
  return { treeSize, rootHex, note: `calybris.test/ledger\n${treeSize}\n${rootHex}\n`, seq: treeSize };
}

/** Asserts that `result` proves entry `seq` in the tree of the first `treeSize` entries, by the reference. */
function expectReferenceProof(ledger: Ledger, result: ReturnType<typeof proveEntry>, seq: number, treeSize: number): void {
  const data = ledger.fingerprints.slice(0, treeSize);
  const root = referenceRoot(data);
  const path = referencePath(seq, data);
  expect(result).toMatchObject({
    ok: true,
    seq,
    treeSize,
    leafHashHex: bytesToHex(referenceLeaf(data[seq]!)),
    rootHex: bytesToHex(root),
    proofHex: path.map(bytesToHex),
    line: `{"seq":${seq}}`,
  });
  // And the RFC 9162 verifier agrees, with the reference's root.
  if (!result.ok) return;
  expect(verifyInclusion(referenceLeaf(data[seq]!), seq, treeSize, result.proofHex.map(hexToBytes), root)).toBe(true);
}

const SIZES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 70];

describe("proveEntry against the live tree", () => {
  const ledger = buildLedger();

  it.each(SIZES)("proves every entry of a tree of %i entries, as the RFC 6962 reference does", (size) => {
    for (let seq = 0; seq < size; seq++) {
      const result = proveEntry(ledger.store, ledger.live(size), seq);
      expectReferenceProof(ledger, result, seq, size);
      expect(result.ok && result.checkpointNote).toBeNull();
    }
  });

  it("refuses an entry past the live tree, and the empty tree", () => {
    for (const [size, seq] of [
      [0, 0],
      [1, 1],
      [5, 5],
      [5, 6],
      [70, 70],
      [70, 2 ** 53 - 1],
    ] as const) {
      expect(proveEntry(ledger.store, ledger.live(size), seq)).toEqual({
        ok: false,
        code: "entry_not_found",
        detail: `the chain has ${size} entries`,
      });
    }
  });

  it("throws on an index that is no count: a caller bug, never a proof", () => {
    for (const seq of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, -0.5]) {
      expect(() => proveEntry(ledger.store, ledger.live(8), seq)).toThrow(/"seq" expected/);
    }
    expect(() => proveEntry(ledger.store, ledger.live(8), "3" as unknown as number)).toThrow(TypeError);
  });
});

describe("proveEntry against signed checkpoints", () => {
  const CHECKPOINTS = [1, 7, 16, 37];
  const ledger = buildLedger(CHECKPOINTS);

  it("proves an entry the latest checkpoint covers against it, and a later one against the live tree", () => {
    // The latest checkpoint is 37: entries 0..36 are proved against it, with its note.
    for (let seq = 0; seq < LEAF_COUNT; seq++) {
      const result = proveEntry(ledger.store, ledger.live(LEAF_COUNT), seq);
      const signed = seq < 37;
      expectReferenceProof(ledger, result, seq, signed ? 37 : LEAF_COUNT);
      expect(result.ok && result.checkpointNote).toBe(signed ? checkpointOf(ledger.fingerprints, 37).note : null);
    }
  });

  it.each(CHECKPOINTS)("proves every entry inside the checkpoint of %i entries and refuses every index outside it", (treeSize) => {
    const checkpoint = checkpointOf(ledger.fingerprints, treeSize);
    const tree = proofTree(checkpoint, ledger.live(LEAF_COUNT), 0);
    expect(tree).toEqual({ treeSize, root: hexToBytes(checkpoint.rootHex), note: checkpoint.note });
    for (let seq = 0; seq < treeSize; seq++) expectReferenceProof(ledger, proveInclusion(ledger.store, seq, tree), seq, treeSize);
    for (const seq of [treeSize, treeSize + 1, LEAF_COUNT - 1, LEAF_COUNT, 2 ** 53 - 1]) {
      expect(proveInclusion(ledger.store, seq, tree)).toEqual({
        ok: false,
        code: "entry_not_found",
        detail: `the tree proved against has ${treeSize} entries`,
      });
    }
  });

  it("picks the live tree for an entry the checkpoint does not cover", () => {
    const checkpoint = checkpointOf(ledger.fingerprints, 16);
    expect(proofTree(checkpoint, ledger.live(20), 15).treeSize).toBe(16);
    expect(proofTree(checkpoint, ledger.live(20), 16)).toEqual({
      treeSize: 20,
      root: referenceRoot(ledger.fingerprints.slice(0, 20)),
      note: null,
    });
    expect(proofTree(null, ledger.live(20), 3).treeSize).toBe(20);
  });
});

describe("proveEntry over damaged storage", () => {
  const ledger = buildLedger([16]);

  /** The ledger's store with some reads altered. */
  function damaged(changes: Partial<ProofStore>): ProofStore {
    return {
      readEntries: (from, limit) => ledger.store.readEntries(from, limit),
      readNode: (level, index) => ledger.store.readNode(level, index),
      readLatestCheckpoint: () => ledger.store.readLatestCheckpoint(),
      ...changes,
    };
  }

  it("answers ledger_integrity_failed for a missing node, a missing entry, an altered entry or a wrong signed root", () => {
    const live = ledger.live(LEAF_COUNT);
    const noNode = damaged({ readNode: (level, index) => (level === 2 && index === 0 ? null : ledger.store.readNode(level, index)) });
    expect(proveEntry(noNode, live, 5)).toMatchObject({
      ok: false,
      code: "ledger_integrity_failed",
      detail: "merkle nodes (2, 0) are missing",
    });
    const noEntry = damaged({ readEntries: () => [] });
    expect(proveEntry(noEntry, live, 5)).toMatchObject({
      ok: false,
      code: "ledger_integrity_failed",
      detail: "entry 5 is missing from storage",
    });
    const altered = damaged({
      readEntries: (from, limit) => ledger.store.readEntries(from, limit).map((row) => ({ ...row, fpHex: "00".repeat(32) })),
    });
    expect(proveEntry(altered, live, 5)).toMatchObject({
      ok: false,
      code: "ledger_integrity_failed",
      detail: "proof for 5 does not verify",
    });
    const wrongRoot = damaged({ readLatestCheckpoint: () => ({ ...checkpointOf(ledger.fingerprints, 16), rootHex: "11".repeat(32) }) });
    expect(proveEntry(wrongRoot, live, 5)).toMatchObject({ ok: false, code: "ledger_integrity_failed" });
    // An entry past the damaged checkpoint is proved against the live tree, which is intact.
    expectReferenceProof(ledger, proveEntry(wrongRoot, live, 40), 40, LEAF_COUNT);
  });
});
