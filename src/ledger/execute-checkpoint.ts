// Signing a checkpoint as a pure step on a batch: the C2SP note over the current tree, then the
// note itself as the next chain entry. Idempotent: with nothing new since the last checkpoint it
// signs nothing; it never signs a tree that is not consistent with the previous checkpoint.

import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { signCheckpoint } from "./checkpoint.ts";
import type { CheckpointCommand, CheckpointResult } from "./commands.ts";
import { ledgerFailure } from "./ledger-codes.ts";
import { rootFromFrontier } from "./merkle.ts";
import { consistencyProof, verifyConsistency } from "./merkle-proofs.ts";
import type { LedgerTxn } from "./txn.ts";

export function applyCheckpoint(txn: LedgerTxn, cmd: CheckpointCommand): CheckpointResult {
  const size = txn.head.size;
  const previous = txn.latestCheckpoint();
  // The checkpoint entry itself does not call for another checkpoint: the tree grew only by it.
  if (size === 0 || (previous !== null && size <= previous.treeSize + 1)) {
    return { ok: true, treeSize: previous?.treeSize ?? 0, note: previous?.note ?? "", signed: false };
  }
  const root = rootFromFrontier(txn.frontier, size);
  if (previous !== null) {
    const proof = consistencyProof((level, index) => txn.node(level, index), previous.treeSize, size);
    if (!verifyConsistency(previous.treeSize, size, hexToBytes(previous.rootHex), root, proof)) {
      return ledgerFailure("ledger_integrity_failed", `tree of size ${size} is not consistent with checkpoint ${previous.treeSize}`);
    }
  }
  const note = signCheckpoint({ origin: cmd.origin, treeSize: size, rootHash: root }, cmd.signer);
  const rootHex = bytesToHex(root);
  const entry = txn.append("checkpoint", cmd.nowMs, { tree_size: size, root: rootHex, note });
  txn.putCheckpoint({ treeSize: size, rootHex, note, seq: entry.seq });
  txn.setCheckpointSize(size);
  return { ok: true, treeSize: size, note, signed: true };
}
