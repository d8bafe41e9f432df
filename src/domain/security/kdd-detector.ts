// The KDD Cup 99 pack's tables: attack categories, regimes by protocol and service, the four
// inspection tiers and the MODELLED detector (who catches what). Data and small pure lookups only;
// nothing here reads a file or draws a number.

import type { PackRegime } from "../domain-pack.ts";
import type { TierSpec } from "../tier-pack.ts";

/** Category codes: the four standard KDD attack categories, plus normal traffic. */
export const NORMAL = 0;
export const DOS = 1;
export const PROBE = 2;
export const R2L = 3;
export const U2R = 4;
export const CATEGORY_NAMES = ["normal", "dos", "probe", "r2l", "u2r"] as const;

/** The 23 labels of the 10 % file (with their trailing period) and their standard categories. */
export const LABEL_CATEGORY: ReadonlyMap<string, number> = new Map([
  ["normal.", NORMAL],
  ...["back", "land", "neptune", "pod", "smurf", "teardrop"].map((name) => [`${name}.`, DOS] as const),
  ...["ipsweep", "nmap", "portsweep", "satan"].map((name) => [`${name}.`, PROBE] as const),
  ...["ftp_write", "guess_passwd", "imap", "multihop", "phf", "spy", "warezclient", "warezmaster"].map(
    (name) => [`${name}.`, R2L] as const,
  ),
  ...["buffer_overflow", "loadmodule", "perl", "rootkit"].map((name) => [`${name}.`, U2R] as const),
]);

/**
 * Records per category in the full file (PROVENANCE.md's label counts, summed by category); the
 * tiers' static quality is their detection table weighted by this mix.
 */
export const CATEGORY_COUNTS = [97_278, 391_458, 4_107, 1_126, 52] as const;

interface KddRegime extends PackRegime {
  readonly protocol: string;
  /** The service, or null for the protocol's pool of less common services. */
  readonly service: string | null;
}

/*
 * Regimes: protocol x service for the 13 services with at least 500 connections in the file
 * (counted once over the whole file and hard-coded), the rest pooled per protocol ("<p>/rest").
 * KDD has a service literally named "other"; "tcp/other" and "udp/other" are that service, not
 * a pool. Warm-start floors are a prior on the share of connections handled correctly, set from
 * what the service is (floods and echo traffic are loud, login and file services are where
 * intrusions hide), not fitted to the labels.
 */
export const KDD_REGIMES: readonly KddRegime[] = [
  { id: "icmp/ecr_i", protocol: "icmp", service: "ecr_i", warmStartFloorBps: 9_000 }, // 281,400: smurf floods
  { id: "icmp/eco_i", protocol: "icmp", service: "eco_i", warmStartFloorBps: 8_000 }, // 1,642: ping sweeps
  { id: "icmp/rest", protocol: "icmp", service: null, warmStartFloorBps: 9_500 }, // 560
  { id: "udp/private", protocol: "udp", service: "private", warmStartFloorBps: 9_000 }, // 8,512
  { id: "udp/domain_u", protocol: "udp", service: "domain_u", warmStartFloorBps: 9_500 }, // 5,863: DNS
  { id: "udp/other", protocol: "udp", service: "other", warmStartFloorBps: 9_500 }, // 5,598
  { id: "udp/rest", protocol: "udp", service: null, warmStartFloorBps: 9_500 }, // 381: ntp_u, tftp_u
  { id: "tcp/private", protocol: "tcp", service: "private", warmStartFloorBps: 9_000 }, // 102,381: SYN floods
  { id: "tcp/http", protocol: "tcp", service: "http", warmStartFloorBps: 9_500 }, // 64,293
  { id: "tcp/smtp", protocol: "tcp", service: "smtp", warmStartFloorBps: 9_500 }, // 9,723
  { id: "tcp/ftp_data", protocol: "tcp", service: "ftp_data", warmStartFloorBps: 8_500 }, // 4,721
  { id: "tcp/other", protocol: "tcp", service: "other", warmStartFloorBps: 8_000 }, // 1,639
  { id: "tcp/ftp", protocol: "tcp", service: "ftp", warmStartFloorBps: 7_500 }, // 798
  { id: "tcp/finger", protocol: "tcp", service: "finger", warmStartFloorBps: 9_000 }, // 670
  { id: "tcp/telnet", protocol: "tcp", service: "telnet", warmStartFloorBps: 7_500 }, // 513
  { id: "tcp/rest", protocol: "tcp", service: null, warmStartFloorBps: 9_000 }, // 5,327: 53 services
];

/*
 * Risk, per protocol: TCP carries the login and file-transfer sessions through which R2L and
 * U2R attacks compromise a host, so a miss there is penalised harder than a missed flood or scan.
 */
export const RISK_BPS_BY_PROTOCOL: Readonly<Record<string, number>> = { tcp: 3_000, udp: 1_000, icmp: 1_000 };

/** Per protocol, the regime index of each listed service and the pool's index. */
const REGIME_LOOKUP: ReadonlyMap<
  string,
  { readonly services: ReadonlyMap<string, number>; readonly rest: number; readonly riskBps: number }
> = new Map(
  Object.entries(RISK_BPS_BY_PROTOCOL).map(([protocol, riskBps]) => {
    const services = new Map<string, number>();
    let rest = -1;
    KDD_REGIMES.forEach((regime, index) => {
      if (regime.protocol !== protocol) return;
      if (regime.service === null) rest = index;
      else services.set(regime.service, index);
    });
    return [protocol, { services, rest, riskBps }];
  }),
);

/** The regime index and risk of a connection, or null for a protocol KDD does not have. */
export function regimeOf(protocol: string, service: string): { regimeIndex: number; riskBps: number } | null {
  const entry = REGIME_LOOKUP.get(protocol);
  if (entry === undefined) return null;
  return { regimeIndex: entry.services.get(service) ?? entry.rest, riskBps: entry.riskBps };
}

/*
 * Size on a log scale: sizeFactor = log10(100 + src_bytes + dst_bytes) / 3, so a connection of
 * 900 bytes in all is one standard record (the file's median connection has 1,032 bytes), an
 * empty one (a SYN flood packet) 0.67, 100 kB 1.67, 1 MB 2.0 and the largest flow (693 MB) 2.95.
 * Every tier's price scales with it: deep inspection of a big flow costs up to three times more.
 */
export function sizeFactorOf(totalBytes: number): number {
  return Math.log10(100 + totalBytes) / 3;
}

/*
 * The MODELLED detector, in bps: tier t catches an attack of category c iff the record's uniform
 * u < DETECTION_BPS[t][c] / 10,000 (one u per record, shared by all tiers: a tier catches every
 * attack a cheaper tier catches). Normal connections are always handled correctly: there is no
 * false-alarm model. DoS signatures are loud (floods, malformed fragments), so header rules and
 * flow statistics already catch nearly all; probes show in flow statistics (many hosts or ports
 * per source); R2L and U2R hide in payloads and need deep inspection or the analyst's sandbox.
 * Judgement, not measurement: the KDD labels say what each connection was, not what any
 * particular detector would have caught.
 */
export const DETECTION_BPS: readonly (readonly number[])[] = [
  //  normal    dos   probe    r2l    u2r
  [10_000, 9_600, 6_000, 500, 200], // header rules
  [10_000, 9_950, 9_300, 2_500, 1_000], // flow statistics
  [10_000, 9_980, 9_700, 8_500, 6_000], // deep packet inspection
  [10_000, 9_990, 9_900, 9_700, 9_200], // analyst sandbox
];

/** A tier's static quality: its detection table weighted by the file's category mix, rounded down. */
export function tierQualityBps(tier: number): number {
  const row = DETECTION_BPS[tier]!;
  let caught = 0;
  let total = 0;
  CATEGORY_COUNTS.forEach((count, c) => {
    caught += count * row[c]!;
    total += count;
  });
  return Math.floor(caught / total);
}

/*
 * Tiers in increasing cost, per standard record (900 bytes); 1 USD = 100,000,000 microcents.
 * Header rules: a stateless signature match on the packet headers, $0.00001, 1 ms. Flow
 * statistics: per-connection and per-host counters over a time window, $0.0001, 20 ms. Deep
 * packet inspection: payload reassembly and content signatures, $0.002, 200 ms. Analyst sandbox:
 * the session replayed against an instrumented host and read by an analyst, $0.01 (shared over
 * the sessions a sandbox run covers), 60 s. Qualities: tierQualityBps (9,627, 9,936, 9,977, 9,990).
 */
const TIER_COSTS = [
  { id: "header_rules", latencyMsP50: 1, costPerRecordMicros: 1_000 },
  { id: "flow_statistics", latencyMsP50: 20, costPerRecordMicros: 10_000 },
  { id: "deep_packet_inspection", latencyMsP50: 200, costPerRecordMicros: 200_000 },
  { id: "analyst_sandbox", latencyMsP50: 60_000, costPerRecordMicros: 1_000_000 },
] as const;

export const KDD_TIERS: readonly TierSpec[] = TIER_COSTS.map((tier, t) => ({ ...tier, qualityBps: tierQualityBps(t) }));
