// RFC 6962 inclusion and consistency proofs for the ledger's Merkle tree: generated from stored
// perfect nodes through a synchronous reader, and checked with the RFC 9162 verification
// algorithms, which share nothing with the generators but the node hash. Never writes storage.

import { isBytes } from "@noble/hashes/utils.js";
import {
  HASH_BYTES,
  LEVEL_COUNT_MAX,
  TREE_SIZE_MAX,
  assertCount,
  assertIntegerInRange,
  emptyTreeRoot,
  equalBytes,
  foldRight,
  half,
  largestPowerOfTwoBelow,
  nodeHash,
  perfectPieces,
  readNode,
  type NodeReader,
} from "./merkle.ts";

// An audit path has one hash per level (at most 53) and a consistency proof at most one more, so
// anything longer is refused before hashing: a hostile proof cannot make the verifier loop long.
const PROOF_LENGTH_MAX = LEVEL_COUNT_MAX + 1;

/**
 * MTH(D[start:start+count]) from stored perfect nodes. Every range that the RFC 6962 recursion
 * visits is tiled by the perfect pieces of `count` (see perfectPieces), and folding them from the
 * right is the recursion itself, so this costs O(log n) reads and one read for a perfect range.
 */
function subtreeHash(read: NodeReader, start: number, count: number): Uint8Array {
  const hash = foldRight(perfectPieces(start, count).map((position) => readNode(read, position)));
  if (hash === undefined) throw new Error(`empty range at ${start}`);
  return hash;
}

/**
 * PATH(m, D[n]) of RFC 6962 section 2.1.1: the audit path of leaf `leafIndex` in the tree of the
 * first `treeSize` leaves (any size up to the stored one). The recursion is walked top-down and
 * the siblings reversed, since the RFC lists them from the leaf up. Only the first step off the
 * right edge meets an imperfect sibling, so this costs O(log n) reads.
 */
export function inclusionProof(read: NodeReader, leafIndex: number, treeSize: number): Uint8Array[] {
  assertIntegerInRange(treeSize, "treeSize", { lowest: 1, highest: TREE_SIZE_MAX, text: "[1, 2^53-1]" });
  assertIntegerInRange(leafIndex, "leafIndex", { lowest: 0, highest: treeSize - 1, text: "[0, treeSize)" });
  const siblingsTopDown: Uint8Array[] = [];
  let start = 0;
  let count = treeSize;
  let offset = leafIndex;
  for (let depth = 0; count > 1; depth++) {
    if (depth >= LEVEL_COUNT_MAX) throw new Error(`audit path of ${treeSize} exceeds ${LEVEL_COUNT_MAX} levels`);
    const split = largestPowerOfTwoBelow(count);
    if (offset < split) {
      siblingsTopDown.push(subtreeHash(read, start + split, count - split));
      count = split;
    } else {
      siblingsTopDown.push(subtreeHash(read, start, split));
      start += split;
      offset -= split;
      count -= split;
    }
  }
  return siblingsTopDown.reverse();
}

/**
 * PROOF(m, D[n]) = SUBPROOF(m, D[n], true) of RFC 6962 section 2.1.2, between the trees of the
 * first `size1` and `size2` leaves. The recursion is walked top-down; `isOldRoot` is the RFC's
 * flag b, which turns false once the old tree's root is no longer the subtree being proved, and
 * then the base case SUBPROOF(m, D[m], false) = {MTH(D[m])} comes first in the proof.
 */
export function consistencyProof(read: NodeReader, size1: number, size2: number): Uint8Array[] {
  assertIntegerInRange(size2, "size2", { lowest: 1, highest: TREE_SIZE_MAX, text: "[1, 2^53-1]" });
  assertIntegerInRange(size1, "size1", { lowest: 1, highest: size2, text: "[1, size2]" });
  const nodesTopDown: Uint8Array[] = [];
  let start = 0;
  let count = size2;
  let oldCount = size1;
  let isOldRoot = true;
  for (let depth = 0; oldCount < count; depth++) {
    if (depth >= LEVEL_COUNT_MAX) throw new Error(`consistency proof of ${size2} exceeds ${LEVEL_COUNT_MAX} levels`);
    const split = largestPowerOfTwoBelow(count);
    if (oldCount <= split) {
      nodesTopDown.push(subtreeHash(read, start + split, count - split));
      count = split;
    } else {
      nodesTopDown.push(subtreeHash(read, start, split));
      start += split;
      count -= split;
      oldCount -= split;
      isOldRoot = false;
    }
  }
  const proof = nodesTopDown.reverse();
  if (!isOldRoot) proof.unshift(subtreeHash(read, start, count));
  return proof;
}

/**
 * Throws when an argument has the wrong JS type or shape (a caller bug); well-formed hashes of
 * the wrong length are left to the verifiers, which answer false, because proofs and roots are
 * untrusted data.
 */
function assertProofArguments(proof: readonly Uint8Array[], hashes: Record<string, Uint8Array>): void {
  if (!Array.isArray(proof)) throw new TypeError(`"proof" expected array, got type=${typeof proof}`);
  proof.forEach((hash, position) => assertByteArray(hash, `proof[${position}]`));
  for (const [name, hash] of Object.entries(hashes)) assertByteArray(hash, name);
}

function assertByteArray(value: Uint8Array, name: string): void {
  if (!isBytes(value)) throw new TypeError(`"${name}" expected Uint8Array, got type=${typeof value}`);
}

// Math.log2 cannot decide this: it rounds 2^53-1 up to exactly 53.
function isPowerOfTwo(value: number): boolean {
  let remaining = value;
  for (let level = 0; remaining % 2 === 0 && level < LEVEL_COUNT_MAX; level++) remaining /= 2;
  return remaining === 1;
}

function isWellFormedProof(proof: readonly Uint8Array[]): boolean {
  return proof.length <= PROOF_LENGTH_MAX && proof.every((hash) => hash.length === HASH_BYTES);
}

/**
 * Checks that `leafHashBytes` is leaf `leafIndex` of the tree of `treeSize` leaves whose root is
 * `root`, with the algorithm of RFC 9162 section 2.1.3.2. Sizes that are not non-negative safe
 * integers throw; everything else that does not prove inclusion, including
 * leafIndex >= treeSize, answers false as the RFC says ("fail the proof verification").
 * Note that the proof binds the size only through the root: the (size, root) pair must come
 * from the same signed checkpoint.
 */
export function verifyInclusion(
  leafHashBytes: Uint8Array,
  leafIndex: number,
  treeSize: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  assertCount(leafIndex, "leafIndex");
  assertCount(treeSize, "treeSize");
  assertProofArguments(proof, { leafHashBytes, root });
  if (leafIndex >= treeSize || !isWellFormedProof(proof) || leafHashBytes.length !== HASH_BYTES) return false;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leafHashBytes;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      // Right edge of an imperfect tree: skip the levels where this node has no right sibling.
      // Halving ends within 53 steps, so this loop is bounded like the others.
      while (fn % 2 === 0 && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && equalBytes(r, root);
}

/**
 * Checks that the tree of `size2` leaves with root `root2` extends the tree of `size1` leaves with
 * root `root1`, with the algorithm of RFC 9162 section 2.1.4.2, which covers 0 < size1 < size2.
 * Equal sizes need an empty proof and equal roots. Size 0 needs an empty proof and root1 equal
 * to SHA-256(""), the only root an empty tree has (RFC 6962 section 2.1). Error rules as for
 * verifyInclusion; size1 > size2 answers false.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  root1: Uint8Array,
  root2: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  assertCount(size1, "size1");
  assertCount(size2, "size2");
  assertProofArguments(proof, { root1, root2 });
  if (size1 > size2 || !isWellFormedProof(proof)) return false;
  if (size1 === size2) return proof.length === 0 && equalBytes(root1, root2);
  if (size1 === 0) return proof.length === 0 && equalBytes(root1, emptyTreeRoot());
  if (proof.length === 0 || root1.length !== HASH_BYTES) return false;
  return verifyConsistencyPath(size1, size2, root1, root2, proof);
}

// RFC 9162 section 2.1.4.2 steps 2 to 7, for 0 < size1 < size2 and a non-empty proof.
function verifyConsistencyPath(size1: number, size2: number, root1: Uint8Array, root2: Uint8Array, proof: readonly Uint8Array[]): boolean {
  // Step 2: when the old tree is perfect, its root is a node of the new tree and the proof omits it.
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : proof;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = half(fn);
    sn = half(sn);
  }
  const [first, ...rest] = path;
  if (first === undefined) return false;
  let fr = first;
  let sr = first;
  for (const c of rest) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && equalBytes(fr, root1) && equalBytes(sr, root2);
}
