// RFC 6962 Merkle tree over the ledger's entries: leaf and node hashing, the right-edge frontier
// that each append updates, and a slow reference tree hash for tests and offline checks.
// Pure and synchronous: it never reads storage, clocks or platform APIs, so Node and workerd
// compute bit-identical roots. Proofs live in merkle-proofs.ts.

import { sha256 } from "./sha256.ts";
import { abytes } from "@noble/hashes/utils.js";

/** Every hash in the tree is a SHA-256 digest (RFC 6962 section 2.1). */
export const HASH_BYTES = 32;

/**
 * Sizes and indexes are JS numbers, exact only up to 2^53-1 (DESIGN.md "Numbers"), so a tree
 * has at most 53 levels above its leaves. This bounds every loop in the Merkle modules.
 */
export const LEVEL_COUNT_MAX = 53;

/** The largest tree size a number can hold exactly. */
export const TREE_SIZE_MAX = Number.MAX_SAFE_INTEGER;

// RFC 6962 section 2.1 separates leaves from interior nodes with a one-byte prefix, so that no
// leaf can be passed off as an interior node (second-preimage resistance).
const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

/** Reads the stored hash of perfect node (level, index); throws if it is absent. */
export type NodeReader = (level: number, index: number) => Uint8Array;

/** A perfect subtree: it covers leaves [index * 2^level, (index + 1) * 2^level). */
export interface NodePosition {
  level: number;
  index: number;
}

/** A perfect node completed by an append, for the caller to persist. */
export interface CompletedNode extends NodePosition {
  hash: Uint8Array;
}

export interface AppendResult {
  frontier: Uint8Array[];
  completed: CompletedNode[];
}

/** Asserts a safe integer in [lowest, highest]; `range.text` spells the range in the message. */
export function assertIntegerInRange(value: number, name: string, range: { lowest: number; highest: number; text: string }): void {
  if (typeof value !== "number") throw new TypeError(`"${name}" expected number, got type=${typeof value}`);
  if (!Number.isSafeInteger(value) || value < range.lowest || value > range.highest) {
    throw new RangeError(`"${name}" expected integer in ${range.text}, got ${value}`);
  }
}

/** Asserts a non-negative safe integer: the shape every size and index must have. */
export function assertCount(value: number, name: string): void {
  assertIntegerInRange(value, name, { lowest: 0, highest: TREE_SIZE_MAX, text: "[0, 2^53-1]" });
}

/** Asserts a 32-byte SHA-256 digest, in the noble message style. */
export function assertHash(value: Uint8Array, name: string): void {
  abytes(value, HASH_BYTES, name);
}

/** Compares two byte strings. Tree hashes are public, so this need not be constant-time. */
export function equalBytes(left: Uint8Array, right: Uint8Array): boolean {
  if (left.length !== right.length) return false;
  for (let offset = 0; offset < left.length; offset++) {
    if (left[offset] !== right[offset]) return false;
  }
  return true;
}

/** Halves a safe integer. Bitwise shifts would truncate sizes above 2^31 to 32 bits. */
export function half(value: number): number {
  return Math.floor(value / 2);
}

/** The largest power of two strictly below `count` (the RFC 6962 split point k); count >= 2. */
export function largestPowerOfTwoBelow(count: number): number {
  let power = 1;
  for (let level = 0; power * 2 < count; level++) {
    if (level >= LEVEL_COUNT_MAX) throw new Error(`split of ${count} exceeds ${LEVEL_COUNT_MAX} levels`);
    power *= 2;
  }
  return power;
}

/** SHA-256(0x00 || data): the hash of one leaf (RFC 6962 section 2.1). */
export function leafHash(data: Uint8Array): Uint8Array {
  abytes(data, undefined, "data");
  const input = new Uint8Array(1 + data.length);
  input[0] = LEAF_PREFIX;
  input.set(data, 1);
  return sha256(input);
}

/** SHA-256(0x01 || left || right): the hash of an interior node (RFC 6962 section 2.1). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  assertHash(left, "left");
  assertHash(right, "right");
  const input = new Uint8Array(1 + 2 * HASH_BYTES);
  input[0] = NODE_PREFIX;
  input.set(left, 1);
  input.set(right, 1 + HASH_BYTES);
  return sha256(input);
}

/** MTH({}) = SHA-256(""): the root of the empty tree (RFC 6962 section 2.1). */
export function emptyTreeRoot(): Uint8Array {
  return sha256(new Uint8Array(0));
}

/**
 * The perfect subtrees that tile leaves [start, start + count), largest (leftmost) first: one per
 * set bit of count. RFC 6962 section 2.1 splits a range at the largest power of two below its
 * size, so the ranges it recurses into are tiled exactly like this; `start` must be a multiple of
 * the first piece's width, which holds for every range that recursion produces.
 */
export function perfectPieces(start: number, count: number): NodePosition[] {
  const pieces: NodePosition[] = [];
  let offset = start;
  for (let level = LEVEL_COUNT_MAX; level >= 0; level--) {
    const width = 2 ** level;
    if (Math.floor(count / width) % 2 === 0) continue;
    if (offset % width !== 0) throw new Error(`range [${start}, ${start + count}) is not aligned for level ${level}`);
    pieces.push({ level, index: offset / width });
    offset += width;
  }
  return pieces;
}

/** Set bits of a safe integer: the number of perfect subtrees of a tree of that size. */
function bitCount(size: number): number {
  let count = 0;
  for (const word of [size % 4_294_967_296, Math.floor(size / 4_294_967_296)]) {
    for (let x = word; x > 0; x = Math.floor(x / 2)) count += x % 2;
  }
  return count;
}

/**
 * Asserts that `frontier` has one 32-byte hash per perfect subtree of a tree of `size` leaves.
 * A frontier of the wrong length would silently give a wrong root, so it is refused instead.
 */
function assertFrontier(frontier: readonly Uint8Array[], size: number): void {
  if (!Array.isArray(frontier)) throw new TypeError(`"frontier" expected array, got type=${typeof frontier}`);
  const expectedLength = bitCount(size);
  if (frontier.length !== expectedLength) {
    throw new RangeError(`"frontier" expected ${expectedLength} hashes for size ${size}, got ${frontier.length}`);
  }
  frontier.forEach((hash, position) => assertHash(hash, `frontier[${position}]`));
}

/**
 * Appends one leaf hash to the tree of `size` leaves whose right edge is `frontier`. Pure: it
 * returns the new frontier and every perfect node that this append completed (the leaf itself at
 * level 0, then one parent per trailing one bit of `size`), so the caller persists them in the
 * same transaction as the entry.
 */
export function appendLeaf(frontier: readonly Uint8Array[], size: number, leafHashBytes: Uint8Array): AppendResult {
  assertIntegerInRange(size, "size", { lowest: 0, highest: TREE_SIZE_MAX - 1, text: "[0, 2^53-2]" });
  assertFrontier(frontier, size);
  assertHash(leafHashBytes, "leafHashBytes");
  const next = frontier.slice();
  let carry: Uint8Array = leafHashBytes.slice();
  let position: NodePosition = { level: 0, index: size };
  const completed: CompletedNode[] = [{ ...position, hash: carry }];
  // Each trailing one bit of size is a perfect subtree as tall as the carry and just left of it:
  // together they form a perfect subtree one level up, whose hash is node(left, right).
  for (let remaining = size; remaining % 2 === 1; remaining = half(remaining)) {
    const left = next.pop();
    if (left === undefined || position.level >= LEVEL_COUNT_MAX) throw new Error("frontier shorter than size implies");
    carry = nodeHash(left, carry);
    position = { level: position.level + 1, index: half(position.index) };
    completed.push({ ...position, hash: carry });
  }
  next.push(carry);
  return { frontier: next, completed };
}

/**
 * MTH of the whole tree from its frontier. For n not a power of two, RFC 6962 section 2.1 sets
 * MTH(D[n]) = node(MTH(D[0:k]), MTH(D[k:n])) with k the largest power of two below n; D[0:k] is
 * the first (largest) frontier piece and D[k:n] recurses on the rest, so folding the frontier
 * from the right gives the same hash.
 */
export function rootFromFrontier(frontier: readonly Uint8Array[], size: number): Uint8Array {
  assertCount(size, "size");
  assertFrontier(frontier, size);
  // A copy, so that a caller who edits the root cannot edit its own frontier through it.
  return (foldRight(frontier) ?? emptyTreeRoot()).slice();
}

/** node(h0, node(h1, ... node(h[n-2], h[n-1]))), or undefined for no hashes. */
export function foldRight(hashes: readonly Uint8Array[]): Uint8Array | undefined {
  let accumulator = hashes[hashes.length - 1];
  for (let position = hashes.length - 2; position >= 0 && accumulator !== undefined; position--) {
    const left = hashes[position];
    if (left === undefined) throw new Error(`missing hash at position ${position}`);
    accumulator = nodeHash(left, accumulator);
  }
  return accumulator;
}

/** Reads one stored node and checks that storage returned a 32-byte hash. */
export function readNode(read: NodeReader, position: NodePosition): Uint8Array {
  const hash = read(position.level, position.index);
  assertHash(hash, `node(level ${position.level}, index ${position.index})`);
  return hash;
}

/**
 * Rebuilds the frontier of a tree of `size` leaves from stored perfect nodes (O(log n) reads),
 * for an object that starts up and must resume appending where its storage left off.
 */
export function frontierFromNodes(read: NodeReader, size: number): Uint8Array[] {
  assertCount(size, "size");
  return perfectPieces(0, size).map((position) => readNode(read, position));
}

/**
 * The reference MTH over leaf hashes, written straight from RFC 6962 section 2.1: slow (it
 * rehashes every node) and obviously correct, for tests and offline verification of exports.
 */
export function merkleTreeHash(leafHashes: readonly Uint8Array[]): Uint8Array {
  if (!Array.isArray(leafHashes)) throw new TypeError(`"leafHashes" expected array, got type=${typeof leafHashes}`);
  leafHashes.forEach((hash, position) => assertHash(hash, `leafHashes[${position}]`));
  if (leafHashes.length === 0) return emptyTreeRoot();
  return referenceHash(leafHashes, 0, leafHashes.length);
}

// Recursion depth is at most LEVEL_COUNT_MAX + 1, since each call halves the range or ends.
function referenceHash(leafHashes: readonly Uint8Array[], start: number, end: number): Uint8Array {
  const count = end - start;
  if (count === 1) {
    const leaf = leafHashes[start];
    if (leaf === undefined) throw new Error(`missing leaf hash ${start}`);
    return leaf;
  }
  const split = largestPowerOfTwoBelow(count);
  return nodeHash(referenceHash(leafHashes, start, start + split), referenceHash(leafHashes, start + split, end));
}
