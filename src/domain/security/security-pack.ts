// The security triage pack: four inspection depths for a network connection (header rules to an
// analyst's sandbox), regimes by protocol and service. The KDD Cup 99 replay builds the same pack
// under its data set's name.

import type { TierPackSource } from "../tier-pack.ts";
import { KDD_REGIMES, KDD_TIERS } from "./kdd-detector.ts";

/** Triage runs inline, so a second of latency costs 0.01 % of the connection's value. */
export const SECURITY_SOURCE: TierPackSource = { provider: "ids", tiers: KDD_TIERS, regimes: KDD_REGIMES, latencyBpsPerSecond: 1 };
