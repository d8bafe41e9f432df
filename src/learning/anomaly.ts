// The per-request anomaly check (DESIGN.md "Learning"): a request whose token count, value or
// risk lies more than four sample standard deviations from its regime's history gets a raised
// floor, and the decision records why. Needs enough history to mean anything.

import { exceedsZ, type PowerSums } from "./regime-stats.ts";

/** |z| > ANOMALY_Z_P / ANOMALY_Z_Q counts as anomalous. */
export const ANOMALY_Z_P = 4n;
export const ANOMALY_Z_Q = 1n;
/** Observations a regime needs before the test applies. */
export const ANOMALY_MIN_OBSERVATIONS = 30n;
/** How much an anomalous request raises a learned or warm-start floor (a client floor still wins). */
export const ANOMALY_FLOOR_RAISE_BPS = 1_000;

export const FEATURES = ["input_tokens", "value_micros", "risk_bps"] as const;
export type Feature = (typeof FEATURES)[number];

export type RegimeFeatureSums = Readonly<Record<Feature, PowerSums>>;

/** A record with one value per feature, built key by key so no cast is needed. */
export function perFeature<T>(value: (feature: Feature) => T): Record<Feature, T> {
  return { input_tokens: value("input_tokens"), value_micros: value("value_micros"), risk_bps: value("risk_bps") };
}

export interface AnomalyVerdict {
  readonly raiseBps: number;
  /** The features that were out of line, in FEATURES order; empty when none. */
  readonly features: readonly Feature[];
}

export const NO_ANOMALY: AnomalyVerdict = { raiseBps: 0, features: [] };

export function checkAnomaly(sums: RegimeFeatureSums, values: Readonly<Record<Feature, number>>): AnomalyVerdict {
  const features = FEATURES.filter((feature) => {
    const history = sums[feature];
    return history.n >= ANOMALY_MIN_OBSERVATIONS && exceedsZ(history, values[feature], ANOMALY_Z_P, ANOMALY_Z_Q);
  });
  return features.length === 0 ? NO_ANOMALY : { raiseBps: ANOMALY_FLOOR_RAISE_BPS, features };
}
