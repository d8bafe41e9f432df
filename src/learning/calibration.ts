// Outcome calibration of a regime's quality floor (DESIGN.md): a failure raises the floor by two
// steps, a success lowers it by one, so the floor settles where failures are one third of
// outcomes (p * 2s = (1 - p) * s gives p = 1/3). It stays within [warm start - margin, ceiling],
// where the ceiling is the best option's quality: a learned floor may demand the best option but
// never refuse every option (only a client's own floor can); above it the floor would fail closed
// on every request of a regime whose best option still fails a third of the time.

export const FLOOR_STEP_BPS = 25;
export const FLOOR_MARGIN_BPS = 1_500;

export interface FloorBounds {
  readonly minBps: number;
  readonly maxBps: number;
}

export function floorBounds(warmStartFloorBps: number, ceilingBps = 10_000): FloorBounds {
  const maxBps = Math.min(10_000, ceilingBps);
  return { minBps: Math.min(maxBps, Math.max(0, warmStartFloorBps - FLOOR_MARGIN_BPS)), maxBps };
}

export function calibrateFloor(floorBps: number, success: boolean, bounds: FloorBounds, stepBps = FLOOR_STEP_BPS): number {
  const next = success ? floorBps - stepBps : floorBps + 2 * stepBps;
  return Math.min(bounds.maxBps, Math.max(bounds.minBps, next));
}
