// Maps a validated /v1/decide body to the kernel's integer request in the tenant's domain pack.
// Names become indexes and bits of the pack; a regime the pack does not know becomes UNSET, which
// the kernel's gate 4 refuses (and the refusal is sealed); an unknown provider or capability name
// is a malformed request. Token estimates are integer and documented.

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

export type Mapped<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly detail: string };

/** Names as bits of `order`; a name the pack does not know is refused, naming the pack's names. */
function mask(names: readonly string[] | undefined, order: readonly string[], none: number, what: string): Mapped<number> {
  if (names === undefined) return { ok: true, value: none };
  let bits = 0;
  for (const name of names) {
    const index = order.indexOf(name);
    if (index < 0)
      return { ok: false, detail: `unknown ${what} ${JSON.stringify(name)}; this tenant's pack knows ${order.join(", ") || "none"}` };
    bits |= 1 << index;
  }
  return { ok: true, value: bits };
}

/** The kernel's request for this body in the tenant's pack; unknown provider or capability names are refused. */
export function toKernelRequest(body: DecideRequest, pack: DomainPack): Mapped<KernelRequest> {
  const capabilities = mask(body.capabilities, pack.capabilities, 0, "capability");
  if (!capabilities.ok) return capabilities;
  const allow = mask(body.providers?.allow, pack.providers, MASK_ALL, "provider");
  if (!allow.ok) return allow;
  const deny = mask(body.providers?.deny, pack.providers, 0, "provider");
  if (!deny.ok) return deny;
  const regimeIndex = pack.regimes.findIndex((regime) => regime.id === body.regime);
  return {
    ok: true,
    value: {
      regimeIndex: regimeIndex < 0 ? UNSET : regimeIndex,
      inputTokens: body.input_tokens ?? estimateInputTokens(body.messages ?? []),
      maxOutputTokens: body.max_output_tokens,
      valueMicros: body.value_micros,
      riskBps: body.risk_bps,
      clientFloorBps: body.quality_floor_bps ?? UNSET,
      maxLatencyMs: body.max_latency_ms ?? UNSET,
      maxCostMicros: body.max_cost_micros ?? UNSET,
      requiredCapabilityMask: capabilities.value,
      providerAllowMask: allow.value,
      providerDenyMask: deny.value,
    },
  };
}

export function providerMask(providers: readonly string[] | undefined, pack: DomainPack): Mapped<number> {
  return mask(providers, pack.providers, MASK_ALL, "provider");
}
