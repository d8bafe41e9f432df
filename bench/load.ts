// A closed-loop HTTP load driver for `npm run bench:proxy`: `connections` loops, each on its own
// keep-alive socket, run one scenario (one or more requests in sequence) again and again for a
// fixed time; it reports requests per second, p50/p99 latency of a whole scenario, and errors.
// One driver for every scenario, so their figures compare like with like.

import { Agent, request } from "node:http";

export interface Figures {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  errors: number;
}

export interface Call {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** POSTs and reads the whole answer; rejects on a non-2xx status. */
export function post(agent: Agent, call: Call): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      call.url,
      { method: "POST", agent, headers: { ...call.headers, "content-length": Buffer.byteLength(call.body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if ((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300) resolve(text);
          else reject(new Error(`${res.statusCode}: ${text.slice(0, 200)}`));
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(call.body);
  });
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Runs `scenario` in `connections` loops for `seconds`; the first error of each kind is printed once. */
export async function drive(scenario: (agent: Agent) => Promise<void>, connections: number, seconds: number): Promise<Figures> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  const seen = new Set<string>();
  let errors = 0;
  const endAt = performance.now() + seconds * 1000;
  const loop = async (): Promise<void> => {
    while (performance.now() < endAt) {
      const started = performance.now();
      try {
        await scenario(agent);
        latencies.push(performance.now() - started);
      } catch (error) {
        errors += 1;
        const text = String(error).slice(0, 120);
        if (!seen.has(text)) {
          seen.add(text);
          console.error(`bench: ${text}`);
        }
      }
    }
  };
  const startedAll = performance.now();
  await Promise.all(Array.from({ length: connections }, loop));
  const elapsedSeconds = (performance.now() - startedAll) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    rps: Math.round(latencies.length / elapsedSeconds),
    p50_ms: Number(percentile(latencies, 50).toFixed(2)),
    p99_ms: Number(percentile(latencies, 99).toFixed(2)),
    errors,
  };
}
