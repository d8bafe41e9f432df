// Empirical Bayes across regimes (DESIGN.md "priors"): an option whose quality in a regime is
// unknown starts from a weak neutral Beta(1, 1); its outcomes in the other regimes then move that
// prior, centred on its success rate there, with at most the prior strength S of pseudo-outcomes.
// Exact integer counts only, so the bank drawn from them is the same on every engine.

import type { PolicyContent } from "./policy-snapshot.ts";

/**
 * The Beta parameters the sample bank is drawn from. A cell of known prior keeps its counts; a
 * neutral cell (1 in content.neutral) gets its own outcomes (alpha - 1, beta - 1) on a prior
 * centred on the option's pooled successes s and failures f in the other regimes, of strength
 * min(S, s + f): alpha_p = clamp(round(strength * s / (s + f)), 1, strength - 1), beta_p = strength - alpha_p.
 */
export function bankParameters(content: PolicyContent): { alpha: Int32Array; beta: Int32Array } {
  const { regimeCount, tierCount: arms, alpha, beta, neutral, priorStrength } = content;
  const outAlpha = Int32Array.from(alpha);
  const outBeta = Int32Array.from(beta);
  if (content.pooling !== true) return { alpha: outAlpha, beta: outBeta };
  for (let o = 0; o < arms; o++) {
    let successes = 0;
    let failures = 0;
    for (let r = 0; r < regimeCount; r++) {
      const cell = r * arms + o;
      if (neutral[cell] !== 1) continue;
      successes += alpha[cell]! - 1;
      failures += beta[cell]! - 1;
    }
    for (let r = 0; r < regimeCount; r++) {
      const cell = r * arms + o;
      if (neutral[cell] !== 1) continue;
      const s = successes - (alpha[cell]! - 1);
      const f = failures - (beta[cell]! - 1);
      const seen = s + f;
      if (seen <= 0) continue;
      const strength = Math.max(2, Math.min(priorStrength, seen));
      // round(strength * s / seen) in integers: floor((2 * strength * s + seen) / (2 * seen)).
      const centred = Math.floor((2 * strength * s + seen) / (2 * seen));
      const priorAlpha = Math.min(strength - 1, Math.max(1, centred));
      outAlpha[cell] = alpha[cell]! - 1 + priorAlpha;
      outBeta[cell] = beta[cell]! - 1 + (strength - priorAlpha);
    }
  }
  return { alpha: outAlpha, beta: outBeta };
}
