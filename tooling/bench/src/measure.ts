/**
 * Runs one backend's matrix: every contender, each blob size and concurrency, the
 * median of several runs. Each contender runs in a process of its own (see
 * contender-process.ts); they are open side by side and take turns run by run
 * (round-robin, the order rotating each repetition), so drift on a shared machine
 * spreads over all of them instead of favouring one.
 */
import { ContenderClient } from "./contender-client.js";
import type { BackendBench, Contender } from "./types.js";
import { makeBlob, makeIds } from "./workload.js";

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
  casePath: string,
  options: MeasureOptions,
): Promise<ContenderResult[]> {
  const results: ContenderResult[] = bench.contenders.map((contender) => ({
    contender,
    runs: new Map(),
    misses: 0,
  }));
  const clients = new Map<ContenderResult, ContenderClient>();
  try {
    for (const [index, result] of results.entries()) {
      result.skipped = await whyUnavailable(result.contender);
      if (!result.skipped) {
        await ContenderClient.start(casePath, index).then(
          (client) => clients.set(result, client),
          (error: unknown) => (result.skipped = `its process did not start: ${message(error)}`),
        );
      }
      if (result.skipped) options.log(`  ${result.contender.name}: skipped, ${result.skipped}`);
    }
    const ids = makeIds(ID_COUNT);
    for (const size of SIZES) {
      const blob = makeBlob(size);
      const open = await openAll(clients, ids, blob, options);
      await each(open, options, (client) => warmUp(client, options.warmupMs));
      for (let rep = 0; rep < options.runs; rep++) {
        options.log(`  ${size} B: run ${rep + 1} of ${options.runs}`);
        for (const concurrency of CONCURRENCIES) {
          await each(new Map(rotate([...open], rep)), options, async (client, result) => {
            const run = await client.run({ concurrency, durationMs: options.runMs, seed: rep + 1 });
            push(result.runs, cellKey(size, concurrency), run.opsPerSec);
            result.misses += run.misses;
          });
        }
      }
      await each(open, options, (client) => client.close());
    }
  } finally {
    await Promise.all([...clients.values()].map((client) => client.exit()));
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

/** Opens every contender still in the race and stores the blob under every id. */
async function openAll(
  clients: Map<ContenderResult, ContenderClient>,
  ids: readonly string[],
  blob: Buffer,
  options: MeasureOptions,
): Promise<Map<ContenderResult, ContenderClient>> {
  const open = new Map<ContenderResult, ContenderClient>();
  for (const [result, client] of clients) {
    if (result.skipped) continue;
    try {
      const ms = await client.open({ ids, blob });
      open.set(result, client);
      options.log(`  ${result.contender.name}: ${ids.length} x ${blob.length} B stored in ${ms} ms`);
    } catch (error) {
      result.skipped = `failed to open or populate: ${message(error)}`;
      options.log(`  ${result.contender.name}: ${result.skipped}`);
      await client.close().catch(() => undefined);
    }
  }
  return open;
}

/** Lets the JIT settle on the contender's code path before anything counts. */
async function warmUp(client: ContenderClient, durationMs: number): Promise<void> {
  for (const concurrency of CONCURRENCIES) await client.run({ concurrency, durationMs });
}

/** Runs `work` for each contender still in the race, in order; a failure takes it out. */
async function each(
  open: Map<ContenderResult, ContenderClient>,
  options: MeasureOptions,
  work: (client: ContenderClient, result: ContenderResult) => Promise<unknown>,
): Promise<void> {
  for (const [result, client] of open) {
    if (result.skipped) continue;
    try {
      await work(client, result);
    } catch (error) {
      result.skipped = `failed: ${message(error)}`;
      options.log(`  ${result.contender.name}: ${result.skipped}`);
    }
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
