/**
 * How cost grows with the number of stored sessions: the same 80/20 workload over ids
 * drawn from all N stored sessions, N = 10k, 100k, 1M (1M skipped with --quick). Ops/s
 * should stay flat. Measured in the runner's process, the subjects taking turns.
 */
import { performance } from "node:perf_hooks";
import { count, table } from "../markdown.js";
import { median } from "../stats.js";
import { rotate } from "./contend.js";
import { drive, makeBlob, makeIds } from "./drive.js";
import type { BenchContext, Workload } from "./types.js";

/** Times `once` (resolving the ms it measured) up to 5 times: "<median> ms (median of n; runs a, b, c ms)". */
export async function timeRuns(context: BenchContext, digits: number, once: (rep: number) => Promise<number>): Promise<string> {
  const times: number[] = [];
  for (let rep = 0; rep < Math.min(context.runs, 5); rep++) times.push(await once(rep));
  return `${median(times).toFixed(digits)} ms (median of ${times.length}; runs ${times.map((t) => t.toFixed(digits)).join(", ")} ms)`;
}

export const GROWTH_COUNTS: readonly number[] = [10_000, 100_000, 1_000_000];

/** `setup` opens the subjects, by name, with every id stored (a 1 KiB blob, live for an hour). */
export async function measureGrowth(
  context: BenchContext,
  setup: (ids: readonly string[], blob: Buffer) => Promise<Record<string, Workload>>,
): Promise<string> {
  const blob = makeBlob(1024);
  const rows: Array<Array<string | number>> = [];
  let names: string[] = [];
  for (const sessions of context.quick ? GROWTH_COUNTS.slice(0, 2) : GROWTH_COUNTS) {
    const ids = makeIds(sessions);
    const started = performance.now();
    const subjects = Object.entries(await setup(ids, blob));
    const setupMs = performance.now() - started;
    context.log(`  growth: ${count(sessions)} sessions stored in ${setupMs.toFixed(0)} ms`);
    try {
      // One loop (c=1): flatness is the point here, and c=64 told the same in the tables.
      for (const [, workload] of subjects) await drive(workload, { ids, blob, concurrency: 1, durationMs: 200 });
      const runs = new Map<string, number[]>(subjects.map(([name]) => [name, []]));
      // At most 5 repetitions: three growth steps of two subjects add up fast.
      for (let rep = 0; rep < Math.min(context.runs, 5); rep++) {
        for (const [name, workload] of rotate(subjects, rep)) {
          (globalThis as { gc?: () => void }).gc?.();
          runs.get(name)?.push((await drive(workload, { ids, blob, concurrency: 1, durationMs: context.runMs, seed: rep + 1 })).opsPerSec);
        }
      }
      names = [...runs.keys()];
      rows.push([sessions, ...names.map((name) => median(runs.get(name) ?? [])), `${(setupMs / 1000).toFixed(1)} s`]);
    } finally {
      for (const [, workload] of subjects) await workload.close?.();
    }
  }
  return [
    "Ids drawn uniformly from all stored sessions, so a larger set misses the CPU and page",
    "caches more often: the raw column shows what any store pays for that. Measured in the",
    "runner's process, the subjects taking turns; setup is the time to store the sessions.",
    "",
    table(["stored sessions:", ...names.map((name) => `${name}, c=1:`), "setup:"], rows),
  ].join("\n");
}
