// The finance review pack's tiers: four review depths for a trading signal, from an automated
// rule check to the risk committee, with their prices, latencies and the catch rates behind their
// prior quality. Data only; the S&P 500 replay (src/replay/datasets/sp500_yahoo_daily) draws
// its modelled catches from the same table.

import type { TierSpec } from "../tier-pack.ts";

/*
 * The MODELLED review, in bps: tier t flags a coming adverse move iff the record's uniform
 * u < CATCH_BPS[state][t] (one u per record, shared by the tiers: a deeper review flags every
 * move a cheaper one flags). A day without an adverse move is always a success (no cost of a
 * false flag is modelled). In the high-volatility state the stock is already moving and
 * watched, so every depth flags a drop a little more often. Judgement, not measurement.
 */
export const CATCH_BPS: readonly (readonly number[])[] = [
  // auto  quant  analyst committee
  [1_000, 3_500, 5_500, 9_000], // low volatility
  [2_000, 4_500, 6_500, 9_200], // high volatility
];

/** Prior share of adverse moves behind the tiers' static quality: 3.5 % (a fat-tailed 2-sigma). */
export const PRIOR_EVENT_BPS = 350;

/** Static quality: 1 - prior event share x the tier's miss rate averaged over the two states. */
export function tierQualityBps(tier: number): number {
  const catchBps = (CATCH_BPS[0]![tier]! + CATCH_BPS[1]![tier]!) / 2;
  return Math.floor(10_000 - (PRIOR_EVENT_BPS * (10_000 - catchBps)) / 10_000);
}

/*
 * Review depths in increasing cost per signal: an automated rule check ($0.50, 100 ms), a quant
 * risk model run ($12.50, 5 s), an analyst's review ($30, 20 min), the risk committee ($75 per
 * signal, its sitting shared over the signals it hears; 1 h). All finish overnight, before the
 * open, so latency is not priced (finance-pack.ts). Qualities 9,702, 9,790, 9,860, 9,968.
 * At these prices no depth wins everywhere: the best fixed depth per regime in hindsight (seed 1)
 * is the automated check in 3 regimes (quiet ones: few adverse moves), the quant model in 3, the
 * analyst in 9 and the committee in 1.
 */
export const REVIEW_TIERS: readonly TierSpec[] = [
  { id: "automated_check", latencyMsP50: 100, costPerRecordMicros: 50_000_000 },
  { id: "quant_model", latencyMsP50: 5_000, costPerRecordMicros: 1_250_000_000 },
  { id: "analyst_review", latencyMsP50: 1_200_000, costPerRecordMicros: 3_000_000_000 },
  { id: "committee", latencyMsP50: 3_600_000, costPerRecordMicros: 7_500_000_000 },
].map((tier, t) => ({ ...tier, qualityBps: tierQualityBps(t) }));
