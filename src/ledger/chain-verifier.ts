// Offline verification of a chain export (JSONL), one line at a time: framing, seq order, the
// prev links, every fingerprint, the RFC 6962 root at every checkpoint and the checkpoints'
// signatures. It stops at the first bad entry and says which and why. Hashing is injected so
// Node can use its native SHA-256 and workerd @noble/hashes; both give the same bytes. So is the
// check of `policy` events, whose rules belong to the learning layer that src/ledger must not import.

import { bytesToHex } from "@noble/hashes/utils.js";
import { openCheckpoint, parseCheckpoint } from "./checkpoint.ts";
import { ENTRY_KINDS, FP_PREFIX_LENGTH } from "./entry.ts";
import { openNote, type VerifierKey } from "./signed-note.ts";

export type Sha256 = (data: Uint8Array) => Uint8Array;

export interface VerifyFailure {
  readonly seq: number;
  readonly reason: string;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly entries: number;
  readonly headHex: string;
  readonly rootHex: string;
  readonly tenantId: string | null;
  readonly checkpoints: number;
  readonly checkpointsVerified: number;
  readonly damage: VerifyFailure | null;
  readonly tornTail: { readonly seq: number; readonly bytes: number } | null;
}

const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const OPEN_BRACE = 0x7b;
const HEX = /^[0-9a-f]{64}$/;

/** RFC 6962 root accumulator over leaf data = entry fingerprints, with the injected hash. */
class MerkleAccumulator {
  private readonly frontier: Uint8Array[] = [];
  private readonly leafInput = new Uint8Array(33);
  private readonly nodeInput = new Uint8Array(65);
  private readonly sha256: Sha256;
  size = 0;
  constructor(sha256: Sha256, frontier: readonly Uint8Array[] = [], size = 0) {
    this.sha256 = sha256;
    this.nodeInput[0] = 1;
    this.frontier.push(...frontier);
    this.size = size;
  }

  add(fp: Uint8Array): void {
    this.leafInput.set(fp, 1);
    let hash = this.sha256(this.leafInput);
    // Merge completed perfect subtrees: one per trailing 1 bit of the old size.
    for (let s = this.size; s % 2 === 1; s = Math.floor(s / 2)) hash = this.node(this.frontier.pop()!, hash);
    this.frontier.push(hash);
    this.size++;
  }

  root(): Uint8Array {
    if (this.size === 0) return this.sha256(new Uint8Array(0));
    let root = this.frontier[this.frontier.length - 1]!;
    for (let i = this.frontier.length - 2; i >= 0; i--) root = this.node(this.frontier[i]!, root);
    return root;
  }

  private node(left: Uint8Array, right: Uint8Array): Uint8Array {
    this.nodeInput.set(left, 1);
    this.nodeInput.set(right, 33);
    return this.sha256(this.nodeInput);
  }
}

/**
 * Checks the event inside each `policy` entry (`record.policy`), in chain order. It is called once
 * per policy entry, after every other check of that entry passed, so it may fold an event it
 * accepts into its own state (the lifecycle's continuity). One instance serves one verification:
 * verifiers resumed mid-chain during that verification (the CLI's fast path) must share it.
 */
export interface PolicyEventCheck {
  /** Null when the event is acceptable after the ones before it; else the reason it is not. */
  accept(event: Readonly<Record<string, unknown>>, seq: number): string | null;
}

export interface ChainVerifierOptions {
  readonly sha256: Sha256;
  /** Checkpoints are signature-checked with this key; without it they are only parsed. */
  readonly verifierKey?: VerifierKey | null;
  /** When set, the first entry must be this tenant's genesis. */
  readonly tenantId?: string;
  /** Starts mid-chain (recovery): the first line must have this seq and chain from this prev. */
  readonly resume?: { readonly seq: number; readonly prev: Uint8Array; readonly frontier: readonly Uint8Array[] };
  /**
   * Checks each policy event; without it only the envelope `{ "policy": <object> }` is checked
   * (recovery, which resumes mid-chain and knows no lifecycle, runs that way).
   */
  readonly policyCheck?: PolicyEventCheck | null;
}

export class ChainVerifier {
  private readonly options: ChainVerifierOptions;
  private readonly merkle: MerkleAccumulator;
  private scratch = new Uint8Array(4096);
  private prev: Uint8Array | null = null;
  private headHex = "";
  private tenantId: string | null = null;
  private checkpoints = 0;
  private checkpointsVerified = 0;
  private damage: VerifyFailure | null = null;
  seq = 0;

  constructor(options: ChainVerifierOptions) {
    this.options = options;
    const resume = options.resume;
    this.merkle = new MerkleAccumulator(options.sha256, resume?.frontier ?? [], resume?.seq ?? 0);
    if (resume !== undefined) {
      this.seq = resume.seq;
      this.prev = resume.prev;
    }
  }

  get failed(): boolean {
    return this.damage !== null;
  }

  /** Checks one complete line (without its newline). Returns false at the first bad entry. */
  push(line: Uint8Array): boolean {
    if (this.damage !== null) return false;
    const reason = this.check(line);
    if (reason !== null) {
      this.damage = { seq: this.seq, reason };
      return false;
    }
    this.seq++;
    return true;
  }

  report(tornTail: VerifyReport["tornTail"]): VerifyReport {
    return {
      ok: this.damage === null,
      entries: this.seq,
      headHex: this.headHex,
      rootHex: bytesToHex(this.merkle.root()),
      tenantId: this.tenantId,
      checkpoints: this.checkpoints,
      checkpointsVerified: this.checkpointsVerified,
      damage: this.damage,
      tornTail,
    };
  }

  private check(line: Uint8Array): string | null {
    if (line.length <= FP_PREFIX_LENGTH || line[FP_PREFIX_LENGTH - 1] !== 0x2c) return "line is not a chain entry";
    let text: string;
    let entry: { fp?: unknown; kind?: unknown; prev?: unknown; record?: unknown; seq?: unknown; ts?: unknown };
    try {
      text = UTF8.decode(line);
      entry = JSON.parse(text) as typeof entry;
    } catch {
      return "line is not valid UTF-8 JSON";
    }
    if (typeof entry !== "object" || entry === null) return "line is not a JSON object";
    const { fp, kind, prev, record, seq, ts } = entry;
    if (seq !== this.seq) return `seq ${String(seq)} where ${this.seq} was expected`;
    if (typeof fp !== "string" || !HEX.test(fp) || !text.startsWith(`{"fp":"${fp}",`)) return "fp field malformed";
    if (typeof prev !== "string" || !HEX.test(prev)) return "prev field malformed";
    if (typeof kind !== "string" || !(ENTRY_KINDS as readonly string[]).includes(kind)) return `unknown kind ${JSON.stringify(kind)}`;
    if (!Number.isSafeInteger(ts)) return "ts is not an integer";
    if (typeof record !== "object" || record === null) return "record is not an object";
    const expectedPrev = this.expectedPrev(kind as string, record as Record<string, unknown>);
    if (typeof expectedPrev === "string") return expectedPrev;
    if (bytesToHex(expectedPrev) !== prev) return "prev does not match the previous entry's fingerprint";
    const computed = this.fingerprint(expectedPrev, line);
    if (bytesToHex(computed) !== fp) return "fingerprint does not match the entry's bytes";
    if (kind === "checkpoint") {
      const problem = this.checkCheckpoint(record as Record<string, unknown>);
      if (problem !== null) return problem;
    }
    if (kind === "execution") {
      const problem = executionProblem(record as Record<string, unknown>, this.seq);
      if (problem !== null) return problem;
    }
    // Last of all the entry's checks: a policy check that accepts has folded the event into its state.
    if (kind === "policy") {
      const problem = this.checkPolicy(record as Record<string, unknown>);
      if (problem !== null) return problem;
    }
    this.merkle.add(computed);
    this.prev = computed;
    this.headHex = fp;
    return null;
  }

  private expectedPrev(kind: string, record: Record<string, unknown>): Uint8Array | string {
    if (this.prev !== null) return this.prev;
    if (kind !== "budget" || record.op !== "tenant_created" || typeof record.tenant_id !== "string") {
      return "the first entry is not a tenant_created budget entry";
    }
    if (this.options.tenantId !== undefined && record.tenant_id !== this.options.tenantId) return "the chain belongs to another tenant";
    this.tenantId = record.tenant_id;
    return this.options.sha256(new TextEncoder().encode(`calybris/genesis/v1\n${record.tenant_id}`));
  }

  /** SHA-256(prev || "{" || line[73..]): the canonical bytes are the line without its fp field. */
  private fingerprint(prev: Uint8Array, line: Uint8Array): Uint8Array {
    const length = 32 + 1 + line.length - FP_PREFIX_LENGTH;
    if (this.scratch.length < length) this.scratch = new Uint8Array(length * 2);
    this.scratch.set(prev, 0);
    this.scratch[32] = OPEN_BRACE;
    this.scratch.set(line.subarray(FP_PREFIX_LENGTH), 33);
    return this.options.sha256(this.scratch.subarray(0, length));
  }

  /** The envelope the ledger writes (execute-policy.ts), then the injected check of the event. */
  private checkPolicy(record: Record<string, unknown>): string | null {
    const event = record.policy;
    if (Object.keys(record).length !== 1 || typeof event !== "object" || event === null || Array.isArray(event)) {
      return 'policy entry record expected exactly { "policy": <object> }';
    }
    const problem = this.options.policyCheck?.accept(event as Record<string, unknown>, this.seq) ?? null;
    return problem === null ? null : `policy event refused: ${problem}`;
  }

  private checkCheckpoint(record: Record<string, unknown>): string | null {
    this.checkpoints++;
    const { tree_size: treeSize, root, note } = record;
    if (treeSize !== this.seq) return `checkpoint covers ${String(treeSize)} entries but sits at seq ${this.seq}`;
    const rootHex = bytesToHex(this.merkle.root());
    if (root !== rootHex) return "checkpoint root differs from the Merkle root of the entries before it";
    if (typeof note !== "string") return "checkpoint note missing";
    const key = this.options.verifierKey ?? null;
    const opened = key === null ? openUnverified(note) : openCheckpoint(note, key);
    if (!opened.ok) return `checkpoint note refused: ${opened.code} (${opened.detail})`;
    const { checkpoint } = opened;
    if (checkpoint.treeSize !== this.seq || bytesToHex(checkpoint.rootHash) !== rootHex)
      return "signed checkpoint disagrees with the entries";
    if (key !== null) this.checkpointsVerified++;
    return null;
  }
}

/** Parses a checkpoint note's text without checking any signature (no key given). */
function openUnverified(note: string): ReturnType<typeof parseCheckpoint> {
  const split = note.indexOf("\n\n");
  if (split < 0) return { ok: false, code: "checkpoint_malformed", detail: "no blank line before the signatures" };
  // openNote with no verifiers still checks the note's syntax; only "unverified" is acceptable here.
  const opened = openNote(note, []);
  if (!opened.ok && opened.code !== "note_unverified") return { ok: false, code: "checkpoint_malformed", detail: opened.detail };
  return parseCheckpoint(note.slice(0, split + 1));
}

/**
 * Verifies a whole export held in memory. Every entry must end with a newline; a last line
 * without one is a torn tail (an interrupted write): reported, and the export counts as its
 * complete prefix. A bad complete line is damage: reported, never truncated away.
 */
export function verifyExportBytes(bytes: Uint8Array, options: ChainVerifierOptions): VerifyReport {
  const verifier = new ChainVerifier(options);
  let start = 0;
  while (start < bytes.length) {
    const end = bytes.indexOf(0x0a, start);
    if (end < 0) break;
    if (!verifier.push(bytes.subarray(start, end))) return verifier.report(null);
    start = end + 1;
  }
  const tail = bytes.length - start;
  return verifier.report(tail > 0 ? { seq: verifier.seq, bytes: tail } : null);
}

/** How an attempt ended (src/decision/execution-step.ts AttemptStatus), as docs/chain-format.md lists them. */
const EXECUTION_STATUSES = ["ok", "cut", "rate_limited", "upstream_error", "timeout", "network_error", "refused"];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The envelope of an `execution` entry (src/ledger/execute-execution.ts): one proxy attempt at a
 * decision sealed earlier in the chain, with its status, and the settlement on the last attempt only.
 */
function executionProblem(record: Record<string, unknown>, seq: number): string | null {
  const { execution, ledger } = record;
  if (Object.keys(record).length !== 2 || !isObject(execution) || !isObject(ledger)) {
    return 'execution entry record expected exactly { "execution": <object>, "ledger": <object> }';
  }
  if (typeof execution.status !== "string" || !EXECUTION_STATUSES.includes(execution.status)) {
    return `execution status ${JSON.stringify(execution.status)} is not one of ${EXECUTION_STATUSES.join(", ")}`;
  }
  if (typeof execution.model !== "string") return "execution model is not a string";
  const decisionSeq = ledger.decision_seq;
  if (!Number.isSafeInteger(decisionSeq) || (decisionSeq as number) < 0 || (decisionSeq as number) >= seq) {
    return "execution decision_seq does not name an earlier entry";
  }
  if (typeof ledger.decision_fp !== "string" || !HEX.test(ledger.decision_fp)) return "execution decision_fp malformed";
  if (!Number.isSafeInteger(ledger.attempt) || (ledger.attempt as number) < 0) return "execution attempt is not a non-negative integer";
  if (ledger.settlement !== null && !isObject(ledger.settlement)) return "execution settlement is neither null nor an object";
  return null;
}
