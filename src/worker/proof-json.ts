// The body of GET /v1/chain/proof/:seq, from the ledger's proof of one entry. Pure, and the one
// place the wire names are chosen: the route answers it, and the dashboard verifier's tests check
// exactly what the route sends.

import type { EntryProof } from "../ledger/entry-proof.ts";

export function entryProofJson(proof: EntryProof) {
  return {
    seq: proof.seq,
    tree_size: proof.treeSize,
    leaf_hash: proof.leafHashHex,
    root: proof.rootHex,
    proof: proof.proofHex,
    entry: proof.line,
    checkpoint: proof.checkpointNote,
    leaf_rule: "leaf = SHA-256(0x00 || fp bytes); node = SHA-256(0x01 || left || right) (RFC 6962)",
  };
}
