// Modelled outcomes draw from here: a counter-based generator, so a draw depends only on
// (seed, record index, stream) and never on which policy asked or in what order. Every policy
// therefore meets the same detector luck on the same record (common random numbers).

function mix32(x: number): number {
  // MurmurHash3's finaliser: a bijection of 32 bits with full avalanche.
  let h = x | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A uniform 32-bit word for (seed, index, stream); seed and stream are 32-bit integers. */
export function drawU32(seed: number, index: number, stream: number): number {
  let h = mix32(seed ^ 0x9e3779b9);
  h = mix32(h ^ Math.imul(index, 0x27d4eb2f) ^ (Math.floor(index / 4_294_967_296) | 0));
  return mix32(h ^ Math.imul(stream + 1, 0x165667b1));
}

/** A uniform draw in [0, 1) with 32 bits of resolution. */
export function drawUnit(seed: number, index: number, stream: number): number {
  return drawU32(seed, index, stream) / 4_294_967_296;
}

/** A standard normal draw (Box-Muller over two streams). */
export function drawNormal(seed: number, index: number, stream: number): number {
  const u1 = (drawU32(seed, index, 2 * stream) + 1) / 4_294_967_297;
  const u2 = drawUnit(seed, index, 2 * stream + 1);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * A fixed pseudo-random order of `count` items (a permutation of 0..count-1), the same for every
 * run and seed: data sets stored grouped by task or sorted by a feature are replayed in this
 * order, so traffic arrives mixed and `--limit N` takes a representative slice.
 */
export function fixedOrder(count: number, salt: number): Int32Array {
  const keys = new Float64Array(count);
  for (let i = 0; i < count; i++) keys[i] = drawU32(salt, i, 0) * 4_294_967_296 + i;
  const order = Int32Array.from({ length: count }, (_, i) => i);
  order.sort((a, b) => keys[a]! - keys[b]!);
  return order;
}
