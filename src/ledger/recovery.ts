// Recovery on object start (DESIGN.md "The chain"): verify every entry since the last signed
// checkpoint the same way an offline verifier would, and check that the Merkle leaves stored
// beside them match. Entries past the committed head are an interrupted tail and are dropped;
// damage inside committed history is refused, never truncated.

import { sha256 } from "./sha256.ts";
import { bytesToHex, hexToBytes, utf8ToBytes } from "@noble/hashes/utils.js";
import { ChainVerifier } from "./chain-verifier.ts";
import { genesisHash } from "./entry.ts";
import { frontierFromNodes, leafHash } from "./merkle.ts";
import type { LedgerStore, LedgerWrite } from "./store.ts";

export type RecoveryReport =
  | {
      readonly ok: true;
      readonly verified: number;
      readonly fromSeq: number;
      readonly truncatedFrom: number | null;
      readonly writes: LedgerWrite[];
    }
  | { readonly ok: false; readonly code: "ledger_integrity_failed"; readonly seq: number; readonly reason: string };

const PAGE = 512;

export function recover(store: LedgerStore): RecoveryReport {
  const head = store.readHead();
  const tenant = store.readTenant();
  if (head === null || tenant === null) return { ok: true, verified: 0, fromSeq: 0, truncatedFrom: null, writes: [] };
  const checkpoint = store.readLatestCheckpoint();
  const from = Math.min(checkpoint?.treeSize ?? 0, head.size);
  const read = (level: number, index: number): Uint8Array => {
    const hash = store.readNode(level, index);
    if (hash === null) throw new Error(`merkle node (${level}, ${index}) missing`);
    return hash;
  };
  let prev: Uint8Array;
  let frontier: Uint8Array[];
  try {
    prev = from === 0 ? genesisHash(tenant.tenantId) : hexToBytes(store.readEntries(from - 1, 1)[0]?.fpHex ?? "");
    frontier = frontierFromNodes(read, from);
  } catch (error) {
    return { ok: false, code: "ledger_integrity_failed", seq: from, reason: `cannot resume at ${from}: ${String(error)}` };
  }
  const verifier = new ChainVerifier({ sha256, tenantId: tenant.tenantId, resume: { seq: from, prev, frontier } });
  for (let seq = from; seq < head.size; seq += PAGE) {
    for (const row of store.readEntries(seq, Math.min(PAGE, head.size - seq))) {
      if (!verifier.push(utf8ToBytes(row.line))) return integrityFailure(verifier.report(null).damage);
      const leaf = store.readNode(0, row.seq);
      if (leaf === null || bytesToHex(leaf) !== bytesToHex(leafHash(hexToBytes(row.fpHex)))) {
        return { ok: false, code: "ledger_integrity_failed", seq: row.seq, reason: "stored Merkle leaf does not match the entry" };
      }
    }
  }
  const report = verifier.report(null);
  if (report.entries !== head.size || (head.size > 0 && report.headHex !== head.headHex)) {
    return { ok: false, code: "ledger_integrity_failed", seq: report.entries, reason: "entries end before the committed head" };
  }
  const beyond = store.readEntries(head.size, 1).length > 0;
  const writes: LedgerWrite[] = beyond ? [{ table: "truncate_entries", fromSeq: head.size }] : [];
  return { ok: true, verified: head.size - from, fromSeq: from, truncatedFrom: beyond ? head.size : null, writes };
}

function integrityFailure(damage: { seq: number; reason: string } | null): RecoveryReport {
  return { ok: false, code: "ledger_integrity_failed", seq: damage?.seq ?? -1, reason: damage?.reason ?? "unknown" };
}
