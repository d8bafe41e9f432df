// Maps a validated /v1/decide body to the kernel's integer request. Names become indexes and
// bits of the domain pack; a regime the pack does not know becomes UNSET, which the kernel's
// gate 4 refuses (and the refusal is sealed). Token estimates are integer and documented.

import type { DomainPack } from "../domain/domain-pack.ts";
import type { KernelRequest } from "../kernel/request.ts";
import { INPUT_TOKENS_MAX, MASK_ALL, UNSET } from "../kernel/units.ts";
import type { DecideRequest } from "./schemas.ts";

/** Tokens charged per message for role and framing, on top of ceil(characters / 4). */
export const TOKENS_PER_MESSAGE = 4;
export const CHARACTERS_PER_TOKEN = 4;

/** A deliberately simple, pessimistic-enough estimate; clients that know the count send input_tokens. */
export function estimateInputTokens(messages: readonly { readonly content: string }[]): number {
  let tokens = 0;
  for (const message of messages) tokens += Math.ceil(message.content.length / CHARACTERS_PER_TOKEN) + TOKENS_PER_MESSAGE;
  return Math.min(tokens, INPUT_TOKENS_MAX);
}

function mask(names: readonly string[] | undefined, order: readonly string[], none: number): number {
  if (names === undefined) return none;
  return names.reduce((bits, name) => bits | (1 << order.indexOf(name)), 0);
}

export function toKernelRequest(body: DecideRequest, pack: DomainPack): KernelRequest {
  const regimeIndex = pack.regimes.findIndex((regime) => regime.id === body.regime);
  return {
    regimeIndex: regimeIndex < 0 ? UNSET : regimeIndex,
    inputTokens: body.input_tokens ?? estimateInputTokens(body.messages ?? []),
    maxOutputTokens: body.max_output_tokens,
    valueMicros: body.value_micros,
    riskBps: body.risk_bps,
    clientFloorBps: body.quality_floor_bps ?? UNSET,
    maxLatencyMs: body.max_latency_ms ?? UNSET,
    maxCostMicros: body.max_cost_micros ?? UNSET,
    requiredCapabilityMask: mask(body.capabilities, pack.capabilities, 0),
    providerAllowMask: mask(body.providers?.allow, pack.providers, MASK_ALL),
    providerDenyMask: mask(body.providers?.deny, pack.providers, 0),
  };
}

export function providerMask(providers: readonly string[] | undefined, pack: DomainPack): number {
  return mask(providers, pack.providers, MASK_ALL);
}
