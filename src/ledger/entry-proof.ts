// The inclusion proof of one chain entry as GET /v1/chain/proof/:seq answers it: the entry, its
// RFC 6962 leaf hash and audit path, and the root it is proved against. Pure: it reads through
// the store port and the live tree it is handed, never writes, and checks its own answer.

import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { ledgerFailure, type LedgerFailure } from "./ledger-codes.ts";
import { assertCount, leafHash, rootFromFrontier, type NodeReader } from "./merkle.ts";
import { inclusionProof, verifyInclusion } from "./merkle-proofs.ts";
import type { CheckpointRow, LedgerStore } from "./store.ts";

/** What a proof reads from storage. */
export type ProofStore = Pick<LedgerStore, "readEntries" | "readNode" | "readLatestCheckpoint">;

/** The live tree as the engine holds it: its size and right-edge frontier. */
export interface LiveTree {
  readonly size: number;
  readonly frontier: readonly Uint8Array[];
}

/** The tree a proof is made against: a signed checkpoint (with its note) or the live tree. */
export interface ProofTree {
  readonly treeSize: number;
  readonly root: Uint8Array;
  readonly note: string | null;
}

export interface EntryProof {
  readonly ok: true;
  readonly seq: number;
  readonly treeSize: number;
  readonly leafHashHex: string;
  readonly rootHex: string;
  /** The audit path from the leaf up (RFC 6962 section 2.1.1), hex. */
  readonly proofHex: string[];
  readonly line: string;
  /** The signed checkpoint the root comes from, or null for the live tree's root. */
  readonly checkpointNote: string | null;
}

export type EntryNotFound = { readonly ok: false; readonly code: "entry_not_found"; readonly detail: string };

export type EntryProofResult = EntryProof | EntryNotFound | LedgerFailure;

/**
 * The tree to prove entry `seq` against: the latest signed checkpoint when it covers the entry,
 * so that the proof ties the entry to a signature, else the live tree.
 */
export function proofTree(checkpoint: CheckpointRow | null, live: LiveTree, seq: number): ProofTree {
  assertCount(seq, "seq");
  if (checkpoint !== null && seq < checkpoint.treeSize) {
    return { treeSize: checkpoint.treeSize, root: hexToBytes(checkpoint.rootHex), note: checkpoint.note };
  }
  return { treeSize: live.size, root: rootFromFrontier(live.frontier, live.size), note: null };
}

/** Proves entry `seq` of the live tree, against the latest checkpoint that covers it if any. */
export function proveEntry(store: ProofStore, live: LiveTree, seq: number): EntryProofResult {
  assertCount(seq, "seq");
  if (seq >= live.size) return entryNotFound(`the chain has ${live.size} entries`);
  return proveInclusion(store, seq, proofTree(store.readLatestCheckpoint(), live, seq));
}

/**
 * Proves entry `seq` against `tree`, refusing an entry the tree does not cover. A stored entry or
 * node that is missing, or a proof that does not verify against the root, is damaged storage.
 */
export function proveInclusion(store: ProofStore, seq: number, tree: ProofTree): EntryProofResult {
  assertCount(seq, "seq");
  if (seq >= tree.treeSize) return entryNotFound(`the tree proved against has ${tree.treeSize} entries`);
  const row = store.readEntries(seq, 1)[0];
  if (row === undefined || row.seq !== seq) return ledgerFailure("ledger_integrity_failed", `entry ${seq} is missing from storage`);
  const missing: string[] = [];
  const read: NodeReader = (level, index) => {
    const hash = store.readNode(level, index);
    if (hash !== null) return hash;
    missing.push(`(${level}, ${index})`);
    // A stand-in of the right length lets the walk finish; the answer below is a failure anyway.
    return new Uint8Array(32);
  };
  const leaf = leafHash(hexToBytes(row.fpHex));
  const proof = inclusionProof(read, seq, tree.treeSize);
  if (missing.length > 0) return ledgerFailure("ledger_integrity_failed", `merkle nodes ${missing.join(", ")} are missing`);
  if (!verifyInclusion(leaf, seq, tree.treeSize, proof, tree.root))
    return ledgerFailure("ledger_integrity_failed", `proof for ${seq} does not verify`);
  return {
    ok: true,
    seq,
    treeSize: tree.treeSize,
    leafHashHex: bytesToHex(leaf),
    rootHex: bytesToHex(tree.root),
    proofHex: proof.map(bytesToHex),
    line: row.line,
    checkpointNote: tree.note,
  };
}

function entryNotFound(detail: string): EntryNotFound {
  return { ok: false, code: "entry_not_found", detail };
}
