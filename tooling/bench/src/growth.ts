/**
 * How cost grows with the number of stored sessions: the same 80/20 workload over
 * ids drawn from all N stored sessions, N = 10k, 100k, 1M. Ops/s should stay flat.
 */
import { performance } from "node:perf_hooks";
import { collectGarbage } from "./gc.js";
import { rotate } from "./measure.js";
import { median } from "./stats.js";
import { formatOps } from "./table.js";
import type { BenchContext, Workload } from "./types.js";
import { drive, makeBlob, makeIds } from "./workload.js";

export const GROWTH_COUNTS: readonly number[] = [10_000, 100_000, 1_000_000];
const GROWTH_BLOB = 1024;

export interface GrowthSubject {
  readonly name: string;
  readonly workload: Workload;
}

export interface GrowthOptions {
  /** Opens the subjects with every id in `ids` stored (the blob, live for an hour). */
  readonly setup: (ids: readonly string[], blob: Buffer) => Promise<GrowthSubject[]>;
  /** Runs after the subjects of one count are closed (e.g. removes their files). */
  readonly teardown?: () => Promise<void>;
  readonly context: BenchContext;
  readonly log: (line: string) => void;
}

/** Runs the workload at each count and returns a markdown table (ops/s, median of the runs). */
export async function measureGrowth(options: GrowthOptions): Promise<string> {
  const { context, log } = options;
  const counts = context.quick ? GROWTH_COUNTS.slice(0, 2) : GROWTH_COUNTS;
  // One loop: flatness is the point here, and c=64 told the same in the tables.
  const concurrencies = [1];
  const blob = makeBlob(GROWTH_BLOB);
  const rows: string[] = [];
  let header: string[] = [];
  for (const count of counts) {
    const ids = makeIds(count);
    const started = performance.now();
    const subjects = await options.setup(ids, blob);
    const setupMs = performance.now() - started;
    log(`  growth: ${formatOps(count)} sessions stored in ${setupMs.toFixed(0)} ms`);
    try {
      const runs = new Map<string, number[]>();
      for (const subject of subjects) {
        for (const c of concurrencies) await drive(subject.workload, { ids, blob, concurrency: c, durationMs: 200 });
      }
      // At most 5 repetitions: three growth steps of two subjects add up fast.
      for (let rep = 0; rep < Math.min(context.runs, 5); rep++) {
        for (const c of concurrencies) {
          for (const subject of rotate(subjects, rep)) {
            collectGarbage();
            const run = await drive(subject.workload, { ids, blob, concurrency: c, durationMs: context.runMs, seed: rep + 1 });
            const key = `${subject.name}, c=${c}`;
            runs.set(key, [...(runs.get(key) ?? []), run.opsPerSec]);
          }
        }
      }
      header = [...runs.keys()];
      rows.push(`| ${formatOps(count)} | ${header.map((key) => formatOps(median(runs.get(key) ?? []))).join(" | ")} | ${(setupMs / 1000).toFixed(1)} s |`);
    } finally {
      for (const subject of subjects) await subject.workload.close();
      await options.teardown?.();
    }
  }
  return [
    "Ids drawn uniformly from all stored sessions, so a larger set misses the CPU and page",
    "caches more often: the raw column shows what any store pays for that. Measured in the",
    "runner's process, the subjects taking turns; setup is the time to store the sessions.",
    "",
    `| stored sessions | ${header.join(" | ")} | setup |`,
    `| ---: | ${header.map(() => "---:").join(" | ")} | ---: |`,
    ...rows,
  ].join("\n");
}
