// Token counts of the LLM-routing replays, estimated from characters (the data sets hold text,
// not tokenizer output), and what a token count costs at a pack's catalog price. Pure; it never
// reads a file and never rounds a cost differently from the kernel.

import type { DomainPack } from "../../domain/domain-pack.ts";
import { worstCaseCostMicros } from "../../kernel/exact-math.ts";

/**
 * The usual rule of thumb for English text under GPT-style tokenizers: about four characters a
 * token. Characters are JavaScript string length (UTF-16 code units). It is an estimate: neither
 * data set records token counts, and each model's own tokenizer would count differently.
 */
export const CHARS_PER_TOKEN = 4;

/** Estimated tokens of a prompt: ceil(characters / 4), at least 1 (the kernel refuses 0). */
export function promptTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / CHARS_PER_TOKEN));
}

/** Estimated tokens of an answer: ceil(characters / 4); an empty answer is 0 tokens. */
export function answerTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/**
 * What option `index` of `pack` costs for the given tokens at its catalog prices, in microcents,
 * with the kernel's own arithmetic (worstCaseCostMicros, rounded up): when `outputTokens` equals
 * the request's maxOutputTokens this is exactly the kernel's cost estimate.
 */
export function tokenCostMicros(pack: DomainPack, index: number, inputTokens: number, outputTokens: number): number {
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
