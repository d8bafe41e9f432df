// The model test's copy of one object's chain: read through chainPage after every operation,
// verified entry by entry (links, fingerprints, Merkle roots, checkpoint signatures) as it
// arrives, with the fingerprint of every seq and the reservations each entry resolved.

import { sha256 } from "@noble/hashes/sha2.js";
import { ChainVerifier } from "../../../src/ledger/chain-verifier.ts";
import { API_KEY_HASH_HEX, devVerifier, type LedgerStub } from "./ledger-do-fixtures.ts";
import { check } from "./ledger-model-stats.ts";

/** One export line, parsed: its header and the record it seals. */
export interface ParsedEntry {
  readonly seq: number;
  readonly kind: string;
  readonly ts: number;
  readonly fp: string;
  readonly record: Record<string, unknown>;
}

/** At most this many new entries after one operation (one chainPage); a run appends far fewer. */
const NEW_ENTRIES_MAX = 1000;

export class ChainMirror {
  readonly entries: ParsedEntry[] = [];
  private readonly stub: LedgerStub;
  private readonly verifier: ChainVerifier;
  private readonly seqOfFingerprint = new Map<string, number>();
  private readonly resolved = new Set<string>();

  constructor(stub: LedgerStub, tenantId: string) {
    this.stub = stub;
    this.verifier = new ChainVerifier({ sha256, verifierKey: devVerifier, tenantId });
  }

  /** The seq of the entry with this fingerprint, or -1 when the chain has none. */
  seqOf(fingerprint: string): number {
    return this.seqOfFingerprint.get(fingerprint) ?? -1;
  }

  /** Reads the entries past the ones seen; without a tenant there are none to read. */
  async readNew(): Promise<void> {
    const page = await this.stub.chainPage(API_KEY_HASH_HEX, this.entries.length, NEW_ENTRIES_MAX);
    if (!page.ok) {
      check(page.code === "unauthorized" && this.entries.length === 0, () => `chainPage refused: ${JSON.stringify(page)}`);
      return;
    }
    check(page.nextSeq === null, () => `more than ${NEW_ENTRIES_MAX} new entries after one operation: ${page.size}`);
    for (const line of page.lines) {
      check(
        this.verifier.push(new TextEncoder().encode(line)),
        () => `entry ${this.entries.length} does not verify: ${JSON.stringify(this.verifier.report(null))}`,
      );
      const parsed = JSON.parse(line) as ParsedEntry;
      check(parsed.seq === this.entries.length, () => `entry seq ${parsed.seq} where ${this.entries.length} was due`);
      this.entries.push(parsed);
      this.seqOfFingerprint.set(parsed.fp, parsed.seq);
      this.recordResolutions(parsed);
    }
    check(this.entries.length === page.size, () => `chainPage reports size ${page.size} but served ${this.entries.length} entries`);
  }

  /** No reservation is resolved twice: by a release, an expiry or an outcome that was on time. */
  private recordResolutions(entry: ParsedEntry): void {
    const { record } = entry;
    const ledger = record.ledger as Record<string, unknown> | undefined;
    const ids: unknown[] = [];
    if (record.op === "release") ids.push(record.reservation_id);
    if (record.op === "expire") ids.push(...(record.reservation_ids as unknown[]));
    if (entry.kind === "outcome" && ledger?.late === false) ids.push(ledger.reservation_id);
    for (const id of ids) {
      check(!this.resolved.has(String(id)), () => `reservation ${String(id)} resolved twice (again at seq ${entry.seq})`);
      this.resolved.add(String(id));
    }
  }
}
