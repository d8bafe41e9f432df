// Tests for the RFC 6962 Merkle tree: the published Certificate Transparency vectors (generation
// and verification), fast-check properties against a slow reference model written from the RFC
// text, and hostile arguments that must be refused with an error, never a wrong answer.
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  TREE_SIZE_MAX,
  appendLeaf,
  emptyTreeRoot,
  frontierFromNodes,
  leafHash,
  merkleTreeHash,
  nodeHash,
  rootFromFrontier,
  type CompletedNode,
  type NodeReader,
} from "../../../src/ledger/merkle.ts";
import { consistencyProof, inclusionProof, verifyConsistency, verifyInclusion } from "../../../src/ledger/merkle-proofs.ts";
import vectors from "../../vectors/rfc6962.json" with { type: "json" };

interface Store {
  read: NodeReader;
  readCount: () => number;
  frontier: Uint8Array[];
  roots: Uint8Array[];
  completed: CompletedNode[];
}

/** Appends every leaf hash in order, keeping each completed node as the ledger's storage would. */
function buildStore(leafHashes: readonly Uint8Array[]): Store {
  const nodes = new Map<string, Uint8Array>();
  const completed: CompletedNode[] = [];
  const roots: Uint8Array[] = [emptyTreeRoot()];
  let frontier: Uint8Array[] = [];
  leafHashes.forEach((hash, size) => {
    const result = appendLeaf(frontier, size, hash);
    for (const node of result.completed) {
      const key = `${node.level}:${node.index}`;
      expect(nodes.has(key)).toBe(false);
      nodes.set(key, node.hash);
      completed.push(node);
    }
    frontier = result.frontier;
    roots.push(rootFromFrontier(frontier, size + 1));
  });
  let reads = 0;
  const read: NodeReader = (level, index) => {
    reads++;
    const hash = nodes.get(`${level}:${index}`);
    if (hash === undefined) throw new Error(`no stored node (${level}, ${index})`);
    return hash;
  };
  return { read, readCount: () => reads, frontier, roots, completed };
}

function leavesFor(count: number, seed: number): Uint8Array[] {
  return Array.from({ length: count }, (_, index) => leafHash(Uint8Array.of(seed, index >> 8, index & 0xff)));
}

function splitOf(count: number): number {
  let split = 1;
  while (split * 2 < count) split *= 2;
  return split;
}

/** PATH(m, D[n]), RFC 6962 section 2.1.1, transcribed recursively over leaf hashes. */
function referencePath(leaves: readonly Uint8Array[], m: number): Uint8Array[] {
  if (leaves.length <= 1) return [];
  const k = splitOf(leaves.length);
  if (m < k) return [...referencePath(leaves.slice(0, k), m), merkleTreeHash(leaves.slice(k))];
  return [...referencePath(leaves.slice(k), m - k), merkleTreeHash(leaves.slice(0, k))];
}

/** SUBPROOF(m, D[n], b), RFC 6962 section 2.1.2, transcribed recursively over leaf hashes. */
function referenceSubproof(m: number, leaves: readonly Uint8Array[], b: boolean): Uint8Array[] {
  if (m === leaves.length) return b ? [] : [merkleTreeHash(leaves)];
  const k = splitOf(leaves.length);
  if (m <= k) return [...referenceSubproof(m, leaves.slice(0, k), b), merkleTreeHash(leaves.slice(k))];
  return [...referenceSubproof(m - k, leaves.slice(k), false), merkleTreeHash(leaves.slice(0, k))];
}

const toHex = (hashes: readonly Uint8Array[]): string[] => hashes.map((hash) => bytesToHex(hash));
const fromHex = (hashes: readonly string[]): Uint8Array[] => hashes.map((hash) => hexToBytes(hash));

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const copy = bytes.slice();
  copy[Math.floor(bit / 8) % copy.length]! ^= 1 << (bit % 8);
  return copy;
}

// A proof costs O(log n) reads here (the brief allows O(log^2 n)): one per level, plus the
// perfect pieces of the one imperfect subtree that is folded.
const readBound = (size: number): number => 2 * (Math.ceil(Math.log2(size + 1)) + 1);

const vectorLeafHashes = vectors.leaves.map((leaf) => leafHash(hexToBytes(leaf)));
const vectorStore = buildStore(vectorLeafHashes);
const vectorRoot = (size: number): Uint8Array => hexToBytes(vectors.roots[size - 1]!.root);
const SOME_HASH = hexToBytes("abacaba000000000000000000000000000000000000000000060061e00123456");

describe("RFC 6962 published vectors (transparency-dev/merkle proof/verify_test.go)", () => {
  it("hashes the empty tree to SHA-256 of the empty string", () => {
    expect(bytesToHex(emptyTreeRoot())).toBe(vectors.emptyTreeRoot);
    expect(bytesToHex(merkleTreeHash([]))).toBe(vectors.emptyTreeRoot);
    expect(bytesToHex(rootFromFrontier([], 0))).toBe(vectors.emptyTreeRoot);
  });

  it("computes the published roots for sizes 1 to 8, from the frontier and from the reference", () => {
    for (const { treeSize, root } of vectors.roots) {
      expect(bytesToHex(vectorStore.roots[treeSize]!)).toBe(root);
      expect(bytesToHex(merkleTreeHash(vectorLeafHashes.slice(0, treeSize)))).toBe(root);
    }
  });

  it("stores each perfect node once, equal to the reference hash of its leaves", () => {
    // A tree of 8 leaves has 8 + 4 + 2 + 1 perfect nodes.
    expect(vectorStore.completed).toHaveLength(15);
    for (const { level, index, hash } of vectorStore.completed) {
      const width = 2 ** level;
      expect(hash).toEqual(merkleTreeHash(vectorLeafHashes.slice(index * width, (index + 1) * width)));
    }
    for (let size = 0; size <= 8; size++) {
      const rebuilt = frontierFromNodes(vectorStore.read, size);
      expect(rootFromFrontier(rebuilt, size)).toEqual(vectorStore.roots[size]);
    }
  });

  it("generates the published audit paths, including for past tree sizes", () => {
    for (const { leafIndex, treeSize, proof } of vectors.inclusionProofs) {
      expect(toHex(inclusionProof(vectorStore.read, leafIndex, treeSize))).toEqual(proof);
    }
  });

  it("generates the published consistency proofs", () => {
    for (const { size1, size2, proof } of vectors.consistencyProofs) {
      expect(toHex(consistencyProof(vectorStore.read, size1, size2))).toEqual(proof);
    }
  });

  it("verifies the published audit paths and refuses the standard corruptions", () => {
    for (const vector of vectors.inclusionProofs) {
      const { leafIndex, treeSize } = vector;
      const proof = fromHex(vector.proof);
      const leaf = vectorLeafHashes[leafIndex]!;
      const root = vectorRoot(treeSize);
      expect(verifyInclusion(leaf, leafIndex, treeSize, proof, root)).toBe(true);
      const probes: [number, number, Uint8Array, Uint8Array[], Uint8Array][] = [
        [leafIndex + 1, treeSize, leaf, proof, root],
        [leafIndex ^ 2, treeSize, leaf, proof, root],
        [leafIndex, treeSize * 2, leaf, proof, root],
        [leafIndex, Math.floor(treeSize / 2), leaf, proof, root],
        [leafIndex, treeSize, leafHash(new TextEncoder().encode("WrongLeaf")), proof, root],
        [leafIndex, treeSize, leaf, proof, emptyTreeRoot()],
        [leafIndex, treeSize, leaf, proof, SOME_HASH],
        [leafIndex, treeSize, leaf, [...proof, new Uint8Array(0)], root],
        [leafIndex, treeSize, leaf, [...proof, root], root],
        [leafIndex, treeSize, leaf, [new Uint8Array(0), ...proof], root],
        [leafIndex, treeSize, leaf, [root, ...proof], root],
        // RFC 9162 step 4.a: a hash past the root must fail even against a root built over it.
        [leafIndex, treeSize, leaf, [...proof, SOME_HASH], nodeHash(SOME_HASH, root)],
        ...proof.map((_, position): [number, number, Uint8Array, Uint8Array[], Uint8Array] => [
          leafIndex,
          treeSize,
          leaf,
          proof.map((hash, at) => (at === position ? flipBit(hash, 3) : hash)),
          root,
        ]),
      ];
      if (leafIndex > 0) probes.push([leafIndex - 1, treeSize, leaf, proof, root]);
      if (proof.length > 0) probes.push([leafIndex, treeSize, leaf, proof.slice(0, -1), root]);
      if (proof.length > 1) probes.push([leafIndex, treeSize, leaf, [proof[0]!, SOME_HASH, ...proof.slice(1)], root]);
      for (const [index, size, leafBytes, path, rootBytes] of probes) {
        expect(verifyInclusion(leafBytes, index, size, path, rootBytes), `leaf ${index} of ${size}`).toBe(false);
      }
    }
  });

  it("verifies the published consistency proofs and refuses the standard corruptions", () => {
    for (const vector of vectors.consistencyProofs) {
      const { size1, size2 } = vector;
      const proof = fromHex(vector.proof);
      const root1 = vectorRoot(size1);
      const root2 = vectorRoot(size2);
      expect(verifyConsistency(size1, size2, root1, root2, proof)).toBe(true);
      if (proof.length === 0) continue;
      const wrongRoot = new TextEncoder().encode("WrongRoot");
      const probes: [number, number, Uint8Array, Uint8Array, Uint8Array[]][] = [
        [size1 - 1, size2, root1, root2, proof],
        [size1 + 1, size2, root1, root2, proof],
        [size1 ^ 2, size2, root1, root2, proof],
        [size1, size2 * 2, root1, root2, proof],
        [size1, Math.floor(size2 / 2), root1, root2, proof],
        [size1, size2, wrongRoot, root2, proof],
        [size1, size2, root1, wrongRoot, proof],
        [size1, size2, root2, root1, proof],
        [size1, size2, root1, root2, []],
        [size1, size2, root1, root2, proof.slice(0, -1)],
        [size1, size2, root1, root2, [...proof, new Uint8Array(0)]],
        [size1, size2, root1, root2, [...proof, root1]],
        [size1, size2, root1, root2, [...proof, root2]],
        [size1, size2, root1, root2, [new Uint8Array(0), ...proof]],
        [size1, size2, root1, root2, [root1, ...proof]],
        [size1, size2, root1, root2, [root2, ...proof]],
        [size1, size2, root1, root2, [proof[0]!, ...proof]],
        [size1, size2, nodeHash(SOME_HASH, root1), nodeHash(SOME_HASH, root2), [...proof, SOME_HASH]],
        ...proof.map((_, position): [number, number, Uint8Array, Uint8Array, Uint8Array[]] => [
          size1,
          size2,
          root1,
          root2,
          proof.map((hash, at) => (at === position ? flipBit(hash, 4) : hash)),
        ]),
      ];
      for (const probe of probes) expect(verifyConsistency(...probe), JSON.stringify(probe.slice(0, 2))).toBe(false);
    }
  });

  it("binds the tree size only through the root, as RFC 9162 proofs do", () => {
    // The audit path of leaf 0 in the 3-leaf tree has the same shape in a 4-leaf tree, so it
    // verifies against the 3-leaf root under either size: the checkpoint must pair size and root.
    const proof = inclusionProof(vectorStore.read, 0, 3);
    expect(verifyInclusion(vectorLeafHashes[0]!, 0, 4, proof, vectorRoot(3))).toBe(true);
    expect(verifyInclusion(vectorLeafHashes[0]!, 0, 4, proof, vectorRoot(4))).toBe(false);
  });
});

describe("properties against the reference model", () => {
  const treeArbitrary = fc.record({ size: fc.integer({ min: 0, max: 300 }), seed: fc.integer({ min: 0, max: 255 }) });

  it("gives the reference root for every size from the frontier, and stores every perfect node", () => {
    fc.assert(
      fc.property(treeArbitrary, ({ size, seed }) => {
        const leaves = leavesFor(size, seed);
        const store = buildStore(leaves);
        expect(rootFromFrontier(store.frontier, size)).toEqual(merkleTreeHash(leaves));
        const setBits = size.toString(2).replaceAll("0", "").length;
        expect(store.completed).toHaveLength(2 * size - setBits);
        expect(frontierFromNodes(store.read, size)).toEqual(store.frontier);
      }),
      { numRuns: 40 },
    );
  });

  it("verifies every inclusion proof for every leaf of random trees", () => {
    fc.assert(
      fc.property(
        treeArbitrary.filter(({ size }) => size > 0),
        ({ size, seed }) => {
          const leaves = leavesFor(size, seed);
          const store = buildStore(leaves);
          const root = store.roots[size]!;
          for (let leafIndex = 0; leafIndex < size; leafIndex++) {
            const before = store.readCount();
            const proof = inclusionProof(store.read, leafIndex, size);
            expect(store.readCount() - before).toBeLessThanOrEqual(readBound(size));
            expect(verifyInclusion(leaves[leafIndex]!, leafIndex, size, proof, root)).toBe(true);
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  const sharedLeaves = leavesFor(300, 7);
  const sharedStore = buildStore(sharedLeaves);
  const sizePair = fc
    .tuple(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 300 }))
    .map(([a, b]) => ({ size1: Math.min(a, b), size2: Math.max(a, b) }));

  it("generates the reference audit path for past tree sizes", () => {
    const pair = fc
      .integer({ min: 1, max: 300 })
      .chain((treeSize) => fc.record({ treeSize: fc.constant(treeSize), leafIndex: fc.integer({ min: 0, max: treeSize - 1 }) }));
    fc.assert(
      fc.property(pair, ({ treeSize, leafIndex }) => {
        const proof = inclusionProof(sharedStore.read, leafIndex, treeSize);
        expect(toHex(proof)).toEqual(toHex(referencePath(sharedLeaves.slice(0, treeSize), leafIndex)));
      }),
      { numRuns: 100 },
    );
  });

  it("generates the reference consistency proof between random sizes, and it verifies", () => {
    fc.assert(
      fc.property(sizePair, ({ size1, size2 }) => {
        const before = sharedStore.readCount();
        const proof = consistencyProof(sharedStore.read, size1, size2);
        expect(sharedStore.readCount() - before).toBeLessThanOrEqual(readBound(size2));
        expect(toHex(proof)).toEqual(toHex(referenceSubproof(size1, sharedLeaves.slice(0, size2), true)));
        const [root1, root2] = [sharedStore.roots[size1]!, sharedStore.roots[size2]!];
        expect(verifyConsistency(size1, size2, root1, root2, proof)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it("fails inclusion for any flipped bit, wrong index, or wrong size with that size's root", () => {
    const probe = fc.record({
      treeSize: fc.integer({ min: 1, max: 300 }),
      leafFraction: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      otherSize: fc.integer({ min: 1, max: 300 }),
      otherIndex: fc.nat(299),
      bit: fc.nat(255),
      target: fc.nat(),
    });
    fc.assert(
      fc.property(probe, ({ treeSize, leafFraction, otherSize, otherIndex, bit, target }) => {
        const leafIndex = Math.floor(leafFraction * treeSize);
        const leaf = sharedLeaves[leafIndex]!;
        const root = sharedStore.roots[treeSize]!;
        const proof = inclusionProof(sharedStore.read, leafIndex, treeSize);
        const slot = target % (proof.length + 2);
        if (slot < proof.length) {
          const bad = proof.map((hash, at) => (at === slot ? flipBit(hash, bit) : hash));
          expect(verifyInclusion(leaf, leafIndex, treeSize, bad, root)).toBe(false);
        } else if (slot === proof.length) {
          expect(verifyInclusion(leaf, leafIndex, treeSize, proof, flipBit(root, bit))).toBe(false);
        } else {
          expect(verifyInclusion(flipBit(leaf, bit), leafIndex, treeSize, proof, root)).toBe(false);
        }
        if (otherIndex !== leafIndex) expect(verifyInclusion(leaf, otherIndex, treeSize, proof, root)).toBe(false);
        const otherRoot = sharedStore.roots[otherSize]!;
        if (otherSize !== treeSize) expect(verifyInclusion(leaf, leafIndex, otherSize, proof, otherRoot)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it("fails consistency for any flipped bit or any other pair of sizes with their roots", () => {
    const probe = fc.record({ pair: sizePair, other: sizePair, bit: fc.nat(255), target: fc.nat() });
    fc.assert(
      fc.property(probe, ({ pair: { size1, size2 }, other, bit, target }) => {
        const proof = consistencyProof(sharedStore.read, size1, size2);
        const [root1, root2] = [sharedStore.roots[size1]!, sharedStore.roots[size2]!];
        const slot = target % (proof.length + 2);
        if (slot < proof.length) {
          const bad = proof.map((hash, at) => (at === slot ? flipBit(hash, bit) : hash));
          expect(verifyConsistency(size1, size2, root1, root2, bad)).toBe(false);
        } else if (slot === proof.length) {
          expect(verifyConsistency(size1, size2, flipBit(root1, bit), root2, proof)).toBe(false);
        } else {
          expect(verifyConsistency(size1, size2, root1, flipBit(root2, bit), proof)).toBe(false);
        }
        const sameSizes = other.size1 === size1 && other.size2 === size2;
        const [otherRoot1, otherRoot2] = [sharedStore.roots[other.size1]!, sharedStore.roots[other.size2]!];
        // Equal sizes prove nothing, so any other pair of equal sizes accepts the empty proof.
        const trivial = proof.length === 0 && other.size1 === other.size2;
        if (!sameSizes && !trivial) {
          expect(verifyConsistency(other.size1, other.size2, otherRoot1, otherRoot2, proof)).toBe(false);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("agrees with the verifier at sizes beyond 2^32, where bitwise arithmetic would break", () => {
    // Every leaf is the same, so a node's hash depends only on its level and the store is
    // consistent at any size. The reader checks that only complete nodes are read.
    const levelHashes = [leafHash(Uint8Array.of(1))];
    for (let level = 1; level <= 53; level++) levelHashes.push(nodeHash(levelHashes[level - 1]!, levelHashes[level - 1]!));
    const storedFor =
      (size: number): NodeReader =>
      (level, index) => {
        expect((index + 1) * 2 ** level).toBeLessThanOrEqual(size);
        return levelHashes[level]!;
      };
    const huge = fc.integer({ min: 2 ** 32, max: TREE_SIZE_MAX });
    const rootOf = (size: number): Uint8Array => rootFromFrontier(frontierFromNodes(storedFor(size), size), size);
    fc.assert(
      fc.property(huge, huge, fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (a, b, fraction) => {
        const [size1, size2] = [Math.min(a, b), Math.max(a, b)];
        const leafIndex = Math.floor(fraction * size2);
        const path = inclusionProof(storedFor(size2), leafIndex, size2);
        expect(verifyInclusion(levelHashes[0]!, leafIndex, size2, path, rootOf(size2))).toBe(true);
        const proof = consistencyProof(storedFor(size2), size1, size2);
        expect(verifyConsistency(size1, size2, rootOf(size1), rootOf(size2), proof)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });
});

describe("hostile arguments are refused with an error", () => {
  const hostileNumbers: unknown[] = [NaN, -1, 1.5, 2 ** 53, Infinity, -Infinity, "3", undefined, null, 3n];
  const hash = vectorLeafHashes[1]!;
  const root = vectorRoot(8);
  const asNumber = (value: unknown): number => value as number;

  it("names the argument and its range, in the noble style", () => {
    expect(() => inclusionProof(vectorStore.read, 7, 7)).toThrow('"leafIndex" expected integer in [0, treeSize), got 7');
    expect(() => inclusionProof(vectorStore.read, 0, 0)).toThrow('"treeSize" expected integer in [1, 2^53-1], got 0');
    expect(() => consistencyProof(vectorStore.read, 0, 8)).toThrow('"size1" expected integer in [1, size2], got 0');
    expect(() => consistencyProof(vectorStore.read, 5, 4)).toThrow('"size1" expected integer in [1, size2], got 5');
    expect(() => appendLeaf([], 0, new Uint8Array(31))).toThrow('"leafHashBytes" expected Uint8Array of length 32');
  });

  it("refuses NaN, negatives, fractions, 2^53 and non-numbers in every size and index", () => {
    for (const value of hostileNumbers) {
      const bad = asNumber(value);
      const calls: (() => unknown)[] = [
        () => appendLeaf([], bad, hash),
        () => rootFromFrontier([], bad),
        () => frontierFromNodes(vectorStore.read, bad),
        () => inclusionProof(vectorStore.read, bad, 8),
        () => inclusionProof(vectorStore.read, 0, bad),
        () => consistencyProof(vectorStore.read, bad, 8),
        () => consistencyProof(vectorStore.read, 1, bad),
        () => verifyInclusion(hash, bad, 8, [], root),
        () => verifyInclusion(hash, 1, bad, [], root),
        () => verifyConsistency(bad, 8, root, root, []),
        () => verifyConsistency(1, bad, root, root, []),
      ];
      calls.forEach((call, position) => expect(call, `${String(value)} in call ${position}`).toThrow());
    }
  });

  it("refuses values that are not bytes, and frontiers that do not fit the size", () => {
    const fakes: unknown[] = [new Uint16Array(16), { length: 32 }, [...hash], "00".repeat(32), undefined];
    for (const fake of fakes) {
      const bytes = fake as Uint8Array;
      expect(() => leafHash(bytes)).toThrow(TypeError);
      expect(() => nodeHash(bytes, hash)).toThrow(TypeError);
      expect(() => appendLeaf([], 0, bytes)).toThrow(TypeError);
      expect(() => merkleTreeHash([bytes])).toThrow(TypeError);
      expect(() => verifyInclusion(bytes, 0, 1, [], root)).toThrow(TypeError);
      expect(() => verifyInclusion(hash, 0, 1, [bytes], root)).toThrow(TypeError);
      expect(() => verifyConsistency(1, 2, bytes, root, [hash])).toThrow(TypeError);
    }
    expect(() => appendLeaf([hash], 0, hash)).toThrow('"frontier" expected 0 hashes for size 0, got 1');
    expect(() => rootFromFrontier([hash], 3)).toThrow('"frontier" expected 2 hashes for size 3, got 1');
    expect(() => appendLeaf([], TREE_SIZE_MAX, hash)).toThrow(RangeError);
  });

  it("refuses a reader that returns no node or a short one", () => {
    const missing: NodeReader = () => undefined as unknown as Uint8Array;
    const short: NodeReader = () => new Uint8Array(31);
    expect(() => inclusionProof(missing, 0, 2)).toThrow(TypeError);
    expect(() => consistencyProof(short, 1, 2)).toThrow("node(level 0, index 1)");
    expect(() => frontierFromNodes(short, 3)).toThrow(RangeError);
  });

  it("answers false, not an error, for well-typed claims that prove nothing", () => {
    expect(verifyInclusion(hash, 0, 0, [], root)).toBe(false);
    expect(verifyInclusion(hash, 8, 8, [], root)).toBe(false);
    expect(verifyInclusion(hash.slice(0, 31), 0, 1, [], hash.slice(0, 31))).toBe(false);
    expect(verifyInclusion(hash, 0, 2, [new Uint8Array(33)], root)).toBe(false);
    expect(
      verifyInclusion(
        hash,
        0,
        8,
        Array.from({ length: 60 }, () => hash),
        root,
      ),
    ).toBe(false);
    expect(verifyConsistency(2, 1, root, root, [])).toBe(false);
    const forward = consistencyProof(vectorStore.read, 6, 8);
    expect(verifyConsistency(8, 6, vectorRoot(8), vectorRoot(6), forward)).toBe(false);
    expect(verifyConsistency(0, 0, emptyTreeRoot(), emptyTreeRoot(), [])).toBe(true);
    expect(verifyConsistency(0, 8, emptyTreeRoot(), root, [])).toBe(true);
    expect(verifyConsistency(0, 8, root, root, [])).toBe(false);
    expect(verifyConsistency(0, 8, emptyTreeRoot(), root, [root])).toBe(false);
    expect(verifyConsistency(8, 8, root, root, [root])).toBe(false);
    expect(verifyConsistency(1, 2, root, root, [])).toBe(false);
  });
});
