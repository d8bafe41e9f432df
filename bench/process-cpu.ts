// CPU time of a process tree, from /proc (Linux), for benches that load `wrangler dev`: which of
// its processes a scenario keeps busy, and for how long per request. Elsewhere (no /proc) it
// reports nothing rather than guessing.

import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks per second of /proc's utime and stime; 100 on every Linux this runs on. */
const TICKS_PER_SECOND = 100;

interface ProcessTimes {
  readonly name: string;
  readonly parent: number;
  readonly cpuMs: number;
}

function processTimes(): Map<number, ProcessTimes> | null {
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((entry) => /^\d+$/.test(entry));
  } catch {
    return null;
  }
  const times = new Map<number, ProcessTimes>();
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // The name is in parentheses and may hold spaces: the fields after it are split from its end.
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const cpuMs = ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
      times.set(Number(pid), { name, parent: Number(fields[1]), cpuMs });
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return times;
}

/** The CPU milliseconds so far of `root` and each of its descendants, by pid. */
export function treeCpu(root: number): Map<number, ProcessTimes> | null {
  const times = processTimes();
  if (times === null) return null;
  const tree = new Map<number, ProcessTimes>();
  const pending = [root];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    const entry = times.get(pid);
    if (entry === undefined || tree.has(pid)) continue;
    tree.set(pid, entry);
    for (const [child, other] of times) if (other.parent === pid) pending.push(child);
  }
  return tree;
}

/**
 * CPU milliseconds per request between two readings of a tree: the busiest process (under
 * `wrangler dev`, the workerd that runs the worker and its objects) and the whole tree.
 */
export function cpuPerRequest(
  before: Map<number, ProcessTimes> | null,
  after: Map<number, ProcessTimes> | null,
  requests: number,
): { busiest_ms: number; busiest: string; tree_ms: number } | null {
  if (before === null || after === null || requests <= 0) return null;
  let busiest = { pid: 0, ms: 0 };
  let tree = 0;
  for (const [pid, entry] of after) {
    const ms = entry.cpuMs - (before.get(pid)?.cpuMs ?? entry.cpuMs);
    tree += ms;
    if (ms > busiest.ms) busiest = { pid, ms };
  }
  const round = (ms: number): number => Math.round((ms / requests) * 100) / 100;
  return { busiest_ms: round(busiest.ms), busiest: after.get(busiest.pid)?.name ?? "", tree_ms: round(tree) };
}
