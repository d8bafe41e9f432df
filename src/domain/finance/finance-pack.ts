// The finance review pack: four review depths for a trading signal, regimes by GICS sector and
// volatility state. The S&P 500 replay builds the same pack under its data set's name.

import type { TierPackSource } from "../tier-pack.ts";
import { REVIEW_TIERS } from "./review-tiers.ts";
import { SP500_REGIMES } from "./sp500-universe.ts";

/** Every depth finishes overnight, before the open: latency is not priced. */
export const FINANCE_SOURCE: TierPackSource = { provider: "desk", tiers: REVIEW_TIERS, regimes: SP500_REGIMES, latencyBpsPerSecond: 0 };
