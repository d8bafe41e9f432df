// The real-estate valuation pack: four valuation methods for a district (an automated model to a
// full appraisal), regimes by ocean proximity and income band. The California housing replay
// builds the same pack under its data set's name.

import type { TierPackSource } from "../tier-pack.ts";
import { HOUSING_REGIMES, HOUSING_TIERS } from "./valuation-tiers.ts";

/** Valuations are batch work: latency is not priced. */
export const REAL_ESTATE_SOURCE: TierPackSource = {
  provider: "valuation",
  tiers: HOUSING_TIERS,
  regimes: HOUSING_REGIMES,
  latencyBpsPerSecond: 0,
};
