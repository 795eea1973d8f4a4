/**
 * Runs one backend's matrix: every contender, each blob size and concurrency, the median
 * of several runs. Each contender runs in a load process of its own; they are open side by
 * side and take turns run by run (the order rotating each repetition), so drift on a shared
 * machine spreads over all of them instead of favouring one.
 */
import type { BackendName } from "@session-store/harness";
import { Child } from "../children.js";
import type { DriveResult } from "./drive.js";
import { makeBlob, makeIds } from "./drive.js";
import type { BackendBench, BenchContext, Contender } from "./types.js";

/** The backends with a file in cases/, and that file's bench. */
export const BENCH_BACKENDS: readonly BackendName[] = ["memory", "mongo", "postgres", "redis", "sqlite"];
export const benchOf = async (name: BackendName): Promise<BackendBench> => ((await import(`./cases/${name}.js`)) as { default: BackendBench }).default;

export const SIZES: readonly number[] = [1024, 16 * 1024];
export const CONCURRENCIES: readonly number[] = [1, 64];
const ID_COUNT = 10_000;

export interface ContenderResult {
  readonly contender: Contender;
  /** Why it is not in the table (unavailable, or failed during the run). */
  skipped?: string;
  /** ops/s of each run, by cellKey. */
  readonly runs: Map<string, number[]>;
  /** µs of CPU per op of each run (the contender's own process), by cellKey. */
  readonly cpu: Map<string, number[]>;
  misses: number;
}

export const cellKey = (size: number, concurrency: number): string => `${size}/${concurrency}`;
export const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The items starting at `by` (mod length): who goes first changes every repetition. */
export function rotate<T>(items: readonly T[], by: number): T[] {
  const k = items.length === 0 ? 0 : by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

export async function measureBackend(name: BackendName, bench: BackendBench, context: BenchContext): Promise<ContenderResult[]> {
  const results: ContenderResult[] = bench.contenders.map((contender) => ({ contender, runs: new Map(), cpu: new Map(), misses: 0 }));
  const children = new Map<ContenderResult, Child>();
  /** Runs `work` for each contender still in the race, in the order given; a failure takes it out. */
  const each = async (order: readonly ContenderResult[], work: (child: Child, result: ContenderResult) => Promise<unknown>) => {
    for (const result of order) {
      const child = children.get(result);
      if (!child || result.skipped) continue;
      await work(child, result).catch((error: unknown) => {
        result.skipped = `failed: ${message(error)}`;
        context.log(`  ${result.contender.name}: ${result.skipped}`);
      });
    }
  };
  try {
    for (const result of results) {
      result.skipped = result.contender.unavailable?.();
      if (!result.skipped) await Child.start().then((child) => children.set(result, child), (error: unknown) => (result.skipped = `its process did not start: ${message(error)}`));
      if (result.skipped) context.log(`  ${result.contender.name}: skipped, ${result.skipped}`);
    }
    const ids = makeIds(ID_COUNT);
    for (const size of SIZES) {
      const blob = makeBlob(size);
      await each(results, async (child, result) => {
        const ms = await child.open({ backend: name, contender: results.indexOf(result), ids, blob });
        context.log(`  ${result.contender.name}: ${ids.length} x ${size} B stored in ${ms} ms`);
      });
      // Lets the JIT settle on each contender's code path before anything counts.
      const warmupMs = Math.min(300, context.runMs);
      await each(results, async (child) => {
        for (const concurrency of CONCURRENCIES) await child.run({ drive: { concurrency, durationMs: warmupMs } });
      });
      for (let rep = 0; rep < context.runs; rep++) {
        context.log(`  ${size} B: run ${rep + 1} of ${context.runs}`);
        for (const concurrency of CONCURRENCIES) {
          await each(rotate(results, rep), async (child, result) => {
            const run = await child.run<DriveResult>({ drive: { concurrency, durationMs: context.runMs, seed: rep + 1 } });
            const key = cellKey(size, concurrency);
            result.runs.set(key, [...(result.runs.get(key) ?? []), run.opsPerSec]);
            result.cpu.set(key, [...(result.cpu.get(key) ?? []), run.cpuUsPerOp]);
            result.misses += run.misses;
          });
        }
      }
      await each(results, (child) => child.close());
    }
  } finally {
    await Promise.all([...children.values()].map((child) => child.exit()));
  }
  return results;
}
