/**
 * Runs one backend's matrix: every contender, each blob size and concurrency, the
 * median of several runs. Contenders of one size are open side by side and take
 * turns run by run (round-robin, the order rotating each repetition), so drift on a
 * shared machine spreads over all of them instead of favouring one.
 */
import { collectGarbage } from "./gc.js";
import type { BackendBench, Contender, Workload } from "./types.js";
import { drive, makeBlob, makeIds, populate } from "./workload.js";

export const SIZES: readonly number[] = [1024, 16 * 1024];
export const CONCURRENCIES: readonly number[] = [1, 64];
export const ID_COUNT = 10_000;

export interface MeasureOptions {
  readonly runMs: number;
  readonly runs: number;
  readonly warmupMs: number;
  readonly log: (line: string) => void;
}

export interface ContenderResult {
  readonly contender: Contender;
  /** Why it did not run (unavailable, or failed during the run). */
  skipped?: string;
  /** ops/s of each run, by cell key (see cellKey). */
  readonly runs: Map<string, number[]>;
  misses: number;
}

export function cellKey(size: number, concurrency: number): string {
  return `${size}/${concurrency}`;
}

export async function measureBackend(
  bench: BackendBench,
  options: MeasureOptions,
): Promise<ContenderResult[]> {
  const results: ContenderResult[] = bench.contenders.map((contender) => ({
    contender,
    runs: new Map(),
    misses: 0,
  }));
  for (const result of results) {
    result.skipped = await whyUnavailable(result.contender);
    if (result.skipped) options.log(`  ${result.contender.name}: skipped, ${result.skipped}`);
  }

  const ids = makeIds(ID_COUNT);
  for (const size of SIZES) {
    const blob = makeBlob(size);
    const open = await openAll(results, ids, blob, options);
    await warmUp(open, ids, blob, options);
    for (let rep = 0; rep < options.runs; rep++) {
      options.log(`  ${size} B: run ${rep + 1} of ${options.runs}`);
      for (const concurrency of CONCURRENCIES) {
        for (const [result, workload] of rotate([...open], rep)) {
          if (result.skipped) continue;
          collectGarbage();
          try {
            const run = await drive(workload, { ids, blob, concurrency, durationMs: options.runMs, seed: rep + 1 });
            push(result.runs, cellKey(size, concurrency), run.opsPerSec);
            result.misses += run.misses;
          } catch (error) {
            result.skipped = `failed: ${message(error)}`;
            options.log(`  ${result.contender.name}: ${result.skipped}`);
          }
        }
      }
    }
    for (const [result, workload] of open) await closeQuietly(result, workload, options);
  }
  return results;
}

async function whyUnavailable(contender: Contender): Promise<string | undefined> {
  try {
    return await contender.unavailable?.();
  } catch (error) {
    return message(error);
  }
}

/** Opens every runnable contender and stores the blob under every id. */
async function openAll(
  results: readonly ContenderResult[],
  ids: readonly string[],
  blob: Buffer,
  options: MeasureOptions,
): Promise<Map<ContenderResult, Workload>> {
  const open = new Map<ContenderResult, Workload>();
  for (const result of results) {
    if (result.skipped) continue;
    let workload: Workload | undefined;
    try {
      const started = Date.now();
      workload = await result.contender.open();
      await populate(workload, ids, blob);
      open.set(result, workload);
      options.log(`  ${result.contender.name}: ${ids.length} x ${blob.length} B stored in ${Date.now() - started} ms`);
    } catch (error) {
      result.skipped = `failed to open or populate: ${message(error)}`;
      options.log(`  ${result.contender.name}: ${result.skipped}`);
      if (workload) await closeQuietly(result, workload, options);
    }
  }
  return open;
}

/** Lets the JIT settle on every contender's code path before anything counts. */
async function warmUp(
  open: Map<ContenderResult, Workload>,
  ids: readonly string[],
  blob: Buffer,
  options: MeasureOptions,
): Promise<void> {
  for (const [result, workload] of open) {
    for (const concurrency of CONCURRENCIES) {
      try {
        await drive(workload, { ids, blob, concurrency, durationMs: options.warmupMs });
      } catch (error) {
        result.skipped = `failed: ${message(error)}`;
        options.log(`  ${result.contender.name}: ${result.skipped}`);
      }
    }
  }
}

async function closeQuietly(result: ContenderResult, workload: Workload, options: MeasureOptions): Promise<void> {
  try {
    await workload.close();
  } catch (error) {
    options.log(`  ${result.contender.name}: close failed, ${message(error)}`);
  }
}

/** The items starting at `by` (mod length): who goes first changes every repetition. */
export function rotate<T>(items: T[], by: number): T[] {
  if (items.length === 0) return items;
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
