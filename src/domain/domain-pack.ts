// What every domain pack gives the engine: its options as a kernel catalog, the names behind
// the kernel's indexes and bits, and its regimes with warm-start floors. Data and small pure
// mappers only; a pack never decides anything.

import { buildKernelCatalog, type KernelCatalog, type KernelOptionSpec } from "../kernel/catalog.ts";

export interface PackOption {
  readonly id: string;
  readonly provider: string;
  readonly tier: string;
}

export interface PackRegime {
  readonly id: string;
  readonly warmStartFloorBps: number;
}

export interface DomainPack {
  readonly id: string;
  readonly providers: readonly string[];
  readonly tiers: readonly string[];
  readonly capabilities: readonly string[];
  readonly regimes: readonly PackRegime[];
  readonly options: readonly PackOption[];
  readonly catalog: KernelCatalog;
  /**
   * What a second of an option's typical latency costs, in bps of the request's value; null
   * leaves the learning layer's default. Batch work (reviews, surveys) does not price latency.
   */
  readonly latencyBpsPerSecond: number | null;
  /**
   * What is known of each option's quality in each regime before any outcome, bps, at
   * [regime * options + option]; null where nothing is known (the learner then starts from a weak,
   * neutral prior). Priors are centred here.
   */
  readonly priorQualityBps: readonly (number | null)[];
}

export interface PackSource<Option extends PackOption> {
  readonly id: string;
  readonly providers: readonly string[];
  readonly tiers: readonly string[];
  readonly capabilities: readonly string[];
  readonly regimes: readonly PackRegime[];
  readonly options: readonly Option[];
  readonly latencyBpsPerSecond?: number;
  /** Known quality of an option in a regime, bps, or null; by default the option's catalog quality. */
  readonly priorQuality?: (regime: PackRegime, option: Option) => number | null;
  /** Maps one option to kernel form, given the pack's index helpers. */
  readonly toKernel: (option: Option, pack: PackIndexes) => KernelOptionSpec;
}

export interface PackIndexes {
  providerIndex(name: string): number;
  tierIndex(name: string): number;
  capabilityMask(names: readonly string[]): number;
}

function indexIn(list: readonly string[], name: string, what: string): number {
  const index = list.indexOf(name);
  if (index < 0) throw new RangeError(`unknown ${what} ${JSON.stringify(name)}`);
  return index;
}

export function packIndexes(providers: readonly string[], tiers: readonly string[], capabilities: readonly string[]): PackIndexes {
  return {
    providerIndex: (name) => indexIn(providers, name, "provider"),
    tierIndex: (name) => indexIn(tiers, name, "tier"),
    capabilityMask: (names) => names.reduce((mask, name) => mask | (1 << indexIn(capabilities, name, "capability")), 0),
  };
}

/**
 * Every option is its own learning arm (the kernel's "tier" index is the option's index), so a
 * tenant learns each model separately; the pack's tiers stay an attribute for reports and grouping.
 */
export function buildPack<Option extends PackOption>(source: PackSource<Option>): DomainPack {
  const indexes = packIndexes(source.providers, source.tiers, source.capabilities);
  const specs = source.options.map((option, index) => ({ ...source.toKernel(option, indexes), tierIndex: index }));
  return {
    id: source.id,
    providers: source.providers,
    tiers: source.tiers,
    capabilities: source.capabilities,
    regimes: source.regimes,
    options: source.options,
    catalog: buildKernelCatalog(specs, specs.length),
    latencyBpsPerSecond: source.latencyBpsPerSecond ?? null,
    priorQualityBps: source.regimes.flatMap((regime) =>
      source.options.map((option, index) =>
        source.priorQuality === undefined ? specs[index]!.qualityBps : source.priorQuality(regime, option),
      ),
    ),
  };
}
