// The worst-case cost of a named option at given token counts, with the kernel's exact integer
// arithmetic: apprentice savings and replays price options exactly as decisions do.

import type { DomainPack } from "../domain/domain-pack.ts";
import { worstCaseCostMicros } from "../kernel/exact-math.ts";
import { INPUT_TOKENS_MAX, OUTPUT_TOKENS_MAX } from "../kernel/units.ts";

export function optionCostMicros(pack: DomainPack, option: string, inputTokens: number, outputTokens: number): number | null {
  const index = pack.options.findIndex((candidate) => candidate.id === option);
  const inRange = (x: number, max: number): boolean => Number.isSafeInteger(x) && x >= 0 && x <= max;
  if (index < 0 || !inRange(inputTokens, INPUT_TOKENS_MAX) || !inRange(outputTokens, OUTPUT_TOKENS_MAX)) return null;
  const c = pack.catalog;
  return worstCaseCostMicros(
    inputTokens,
    outputTokens,
    c.inputPriceHigh[index]!,
    c.inputPriceLow[index]!,
    c.outputPriceHigh[index]!,
    c.outputPriceLow[index]!,
  );
}
