// The dashboard's in-page verifier (src/dashboard/verify-entry.ts), in Node: its inclusion check
// against the RFC 6962 vectors of the Certificate Transparency implementations, its checkpoint
// check against published signed-note checkpoints, and the whole check of a real ledger's proof
// as GET /v1/chain/proof/:seq answers it, with every field tampered in turn.

import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { beforeAll, describe, expect, it } from "vitest";
import { checkInclusion, openSignedCheckpoint, verifyEntryProof, type ProofJson } from "../../../src/dashboard/verify-entry.ts";
import { proveEntry } from "../../../src/ledger/entry-proof.ts";
import { leafHash } from "../../../src/ledger/merkle.ts";
import { MemoryStore } from "../../../src/ledger/memory-store.ts";
import { verifierKeyText } from "../../../src/ledger/signed-note.ts";
import { entryProofJson } from "../../../src/worker/proof-json.ts";
import rfc6962 from "../../vectors/rfc6962.json" with { type: "json" };
import notes from "../../vectors/signed-note.json" with { type: "json" };
import {
  ORIGIN,
  createTenantCommand,
  decideCommand,
  devSigner,
  devVerifier,
  microtaskEngine,
  outcomeCommand,
} from "../ledger/ledger-fixtures.ts";

const leafHex = (index: number): string => bytesToHex(leafHash(hexToBytes(rfc6962.leaves[index]!)));
const rootOf = (size: number): string => rfc6962.roots.find((root) => root.treeSize === size)!.root;

describe("checkInclusion: RFC 6962 vectors", () => {
  it.each(rfc6962.inclusionProofs)(
    "leaf $leafIndex of $treeSize verifies, and fails with any hash changed",
    ({ leafIndex, treeSize, proof }) => {
      expect(checkInclusion(leafHex(leafIndex), leafIndex, treeSize, proof, rootOf(treeSize))).toBe(true);
      // Another leaf, another index, another size, a changed audit path or a changed root: all refused.
      expect(checkInclusion(leafHex((leafIndex + 1) % 8), leafIndex, treeSize, proof, rootOf(treeSize))).toBe(treeSize === 1 && false);
      if (treeSize > 1)
        expect(checkInclusion(leafHex(leafIndex), (leafIndex + 1) % treeSize, treeSize, proof, rootOf(treeSize))).toBe(false);
      for (let i = 0; i < proof.length; i++) {
        const changed = proof.map((hash, j) => (j === i ? `${hash.slice(0, 63)}${hash.endsWith("0") ? "1" : "0"}` : hash));
        expect(checkInclusion(leafHex(leafIndex), leafIndex, treeSize, changed, rootOf(treeSize))).toBe(false);
      }
      expect(checkInclusion(leafHex(leafIndex), leafIndex, treeSize, [...proof, proof[0] ?? leafHex(0)], rootOf(treeSize))).toBe(false);
    },
  );

  it("answers false, never throws, for hostile shapes", () => {
    const good = rfc6962.inclusionProofs.find((p) => p.treeSize === 8)!;
    const cases: [unknown, unknown, unknown, unknown, unknown][] = [
      [leafHex(good.leafIndex), -1, 8, good.proof, rootOf(8)],
      [leafHex(good.leafIndex), good.leafIndex, 2 ** 53, good.proof, rootOf(8)],
      [leafHex(good.leafIndex), good.leafIndex, Number.NaN, good.proof, rootOf(8)],
      [leafHex(good.leafIndex), 1.5, 8, good.proof, rootOf(8)],
      [leafHex(good.leafIndex), good.leafIndex, 8, "not a list", rootOf(8)],
      [leafHex(good.leafIndex), good.leafIndex, 8, [...good.proof.slice(1), "zz"], rootOf(8)],
      [leafHex(good.leafIndex), good.leafIndex, 8, new Array(65).fill(rootOf(8)), rootOf(8)],
      [leafHex(good.leafIndex).toUpperCase(), good.leafIndex, 8, good.proof, rootOf(8)],
      [null, good.leafIndex, 8, good.proof, rootOf(8)],
      [leafHex(good.leafIndex), good.leafIndex, 8, good.proof, rootOf(8).slice(2)],
    ];
    for (const args of cases) expect(checkInclusion(...args), JSON.stringify(args).slice(0, 80)).toBe(false);
  });
});

describe("openSignedCheckpoint: published checkpoints", () => {
  it.each(notes.checkpoints)("$why", ({ verifierKey, note, origin, treeSize, rootHashBase64 }) => {
    const opened = openSignedCheckpoint(note, verifierKey, origin);
    expect(opened).toEqual({
      ok: true,
      treeSize,
      rootHex: bytesToHex(Uint8Array.from(atob(rootHashBase64), (c) => c.charCodeAt(0))),
      signedBy: expect.stringContaining("+"),
    });
    expect(openSignedCheckpoint(note, verifierKey, `${origin} (another log)`)).toMatchObject({ ok: false, step: "checkpoint" });
    expect(openSignedCheckpoint(note.replace(String(treeSize), String(treeSize + 1)), verifierKey)).toMatchObject({
      ok: false,
      step: "checkpoint",
    });
    expect(openSignedCheckpoint(note, notes.verifierKeys[0]!.verifierKey)).toMatchObject({ ok: false, step: "checkpoint" });
  });

  it.each(notes.badVerifierKeys)("refuses the verifier key: $why", ({ verifierKey }) => {
    expect(openSignedCheckpoint(notes.checkpoints[0]!.note, verifierKey)).toMatchObject({ ok: false, step: "key" });
  });
});

describe("verifyEntryProof: a real ledger's proofs", () => {
  let proofs: ProofJson[] = [];
  const key = verifierKeyText(devVerifier);

  beforeAll(async () => {
    const store = new MemoryStore();
    const engine = microtaskEngine(store);
    await engine.submit(createTenantCommand(1_000_000));
    for (let i = 0; i < 5; i++) {
      const decided = await engine.submit(decideCommand({ decisionId: `d${i}`, costs: [100], nowMs: 1_000 + i }));
      if (!decided.ok) throw new Error("decision refused");
      await engine.submit(outcomeCommand(`w${i}`, decided.fingerprint, 50, 2_000 + i));
    }
    await engine.submit({ type: "checkpoint", origin: ORIGIN, signer: devSigner, nowMs: 3_000 });
    await engine.submit(decideCommand({ decisionId: "after", costs: [100], nowMs: 4_000 }));
    proofs = Array.from({ length: engine.head.size }, (_, seq) => {
      const answer = proveEntry(store, { size: engine.head.size, frontier: engine.frontier }, seq);
      if (!answer.ok) throw new Error(answer.detail);
      // The JSON GET /v1/chain/proof/:seq answers, by the route's own mapping.
      return entryProofJson(answer);
    });
  });

  it("verifies every entry a checkpoint covers against its signature, and the newest against the live root", () => {
    // 11 entries (a tenant, five decisions and their outcomes) precede the checkpoint; it and the last decision are not covered.
    for (const proof of proofs) {
      const signedBy = Number(proof.seq) < 11 ? "calybris-dev+aa25f12c" : null;
      expect(proof.checkpoint === null).toBe(signedBy === null);
      expect(verifyEntryProof(proof, key, ORIGIN)).toMatchObject({ ok: true, seq: proof.seq, signedBy });
    }
    expect(proofs.length).toBe(13);
  });

  const flip = (hex: string): string => `${hex.slice(0, -1)}${hex.endsWith("0") ? "1" : "0"}`;
  const tampered: [string, (p: ProofJson) => ProofJson, string][] = [
    [
      "the entry's text",
      (p) => ({ ...p, entry: String(p.entry).replace(/"ts":(\d+)/, (_m, ts: string) => `"ts":${Number(ts) + 1}`) }),
      "entry",
    ],
    ["the entry's seq", (p) => ({ ...p, seq: Number(p.seq) + 1 }), "entry"],
    ["the leaf hash", (p) => ({ ...p, leaf_hash: flip(String(p.leaf_hash)) }), "leaf"],
    ["an audit path hash", (p) => ({ ...p, proof: (p.proof as string[]).map((h, i) => (i === 0 ? flip(h) : h)) }), "inclusion"],
    ["the audit path's length", (p) => ({ ...p, proof: (p.proof as string[]).slice(1) }), "inclusion"],
    ["the root", (p) => ({ ...p, root: flip(String(p.root)) }), "checkpoint"],
    ["the tree size", (p) => ({ ...p, tree_size: Number(p.tree_size) - 1 }), "checkpoint"],
    [
      "the checkpoint's signature",
      (p) => ({
        ...p,
        checkpoint: String(p.checkpoint).replace(/(\S)(=?\n)$/, (_m, c: string, end: string) => `${c === "A" ? "B" : "A"}${end}`),
      }),
      "checkpoint",
    ],
    [
      "the checkpoint's size line",
      (p) => ({ ...p, checkpoint: String(p.checkpoint).replace(/\n(\d+)\n/, (_m, n: string) => `\n${Number(n) + 1}\n`) }),
      "checkpoint",
    ],
    ["the shape", (p) => ({ ...p, proof: "none" }), "shape"],
  ];

  it.each(tampered)("fails when %s is changed, at the right step", (_what, change, step) => {
    expect(verifyEntryProof(change(proofs[2]!), key, ORIGIN)).toMatchObject({ ok: false, step });
  });

  it("fails for another log's origin and for another key", () => {
    expect(verifyEntryProof(proofs[2]!, key, "calybris.test/another")).toMatchObject({ ok: false, step: "checkpoint" });
    expect(verifyEntryProof(proofs[2]!, notes.verifierKeys[0]!.verifierKey, ORIGIN)).toMatchObject({ ok: false, step: "checkpoint" });
    expect(verifyEntryProof(proofs[2]!, "not a key", ORIGIN)).toMatchObject({ ok: false, step: "key" });
  });
});
