// The production domain packs one deployment serves: a tenant is created with one of them, and
// its decisions, outcomes and learning speak that pack's vocabulary (regimes, options). The same
// build serves every domain; nothing outside the packs knows which industry a tenant is in.

import type { DomainPack } from "./domain-pack.ts";
import { FINANCE_SOURCE } from "./finance/finance-pack.ts";
import { FORESTRY_SOURCE } from "./forestry/forestry-pack.ts";
import { LLM_PACK } from "./llm/pack.ts";
import { REAL_ESTATE_SOURCE } from "./real-estate/real-estate-pack.ts";
import { SECURITY_SOURCE } from "./security/security-pack.ts";
import { tierPack } from "./tier-pack.ts";

export const PACK_IDS = ["llm", "security", "finance", "forestry", "real_estate"] as const;
export type PackId = (typeof PACK_IDS)[number];
export const DEFAULT_PACK_ID: PackId = "llm";

export const PACKS: Readonly<Record<PackId, DomainPack>> = {
  llm: LLM_PACK,
  security: tierPack("security", SECURITY_SOURCE),
  finance: tierPack("finance", FINANCE_SOURCE),
  forestry: tierPack("forestry", FORESTRY_SOURCE),
  real_estate: tierPack("real_estate", REAL_ESTATE_SOURCE),
};

export function isPackId(id: string): id is PackId {
  return (PACK_IDS as readonly string[]).includes(id);
}

/** The pack a tenant row names; a tenant stored before packs existed is an LLM tenant. */
export function packOf(id: string | null | undefined): DomainPack {
  return id !== null && id !== undefined && isPackId(id) ? PACKS[id] : LLM_PACK;
}
