// The forestry pack: four ways to map a land cell's cover type (an elevation rule to a field
// survey), regimes by wilderness area and elevation band. The Covertype replay builds the same
// pack under its data set's name.

import type { TierPackSource } from "../tier-pack.ts";
import { COVER_REGIMES, COVER_TIERS } from "./cover-classifiers.ts";

/** Mapping is batch work: latency is not priced. */
export const FORESTRY_SOURCE: TierPackSource = {
  provider: "cover_mapping",
  tiers: COVER_TIERS,
  regimes: COVER_REGIMES,
  latencyBpsPerSecond: 0,
};
