/**
 * The workload every contender runs: random ids from a pre-populated set, 80% load and
 * 20% store of one blob, issued by N async loops for a fixed time.
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { Workload } from "./types.js";

/** Sessions live for an hour: every load in a run hits. */
export const TTL_MS = 60 * 60 * 1000;

/** `count` session ids shaped like express-session's (24 random bytes, base64url). */
export function makeIds(count: number, prefix = ""): string[] {
  const bytes = randomBytes(24 * count);
  return Array.from({ length: count }, (_, i) => prefix + bytes.toString("base64url", 24 * i, 24 * i + 24));
}

/** A blob of random bytes: compresses like encrypted session data does, not at all. */
export function makeBlob(size: number): Buffer {
  return randomBytes(size);
}

export interface DriveOptions {
  readonly ids: readonly string[];
  readonly blob: Buffer;
  readonly concurrency: number;
  readonly durationMs: number;
  /** Seeds the op and id choice, so every contender of a repetition draws the same sequence. */
  readonly seed?: number;
}

export interface DriveResult {
  readonly opsPerSec: number;
  readonly ops: number;
  /** Loads that found nothing: must stay 0, since every id was stored before the run. */
  readonly misses: number;
}

/** Ops between two clock reads, so reading the clock costs nothing next to the ops. */
const BATCH = 8;

/** Runs the 80/20 mix with `concurrency` loops until `durationMs` has passed. */
export async function drive(workload: Workload, options: DriveOptions): Promise<DriveResult> {
  const { ids, blob, concurrency, durationMs } = options;
  let ops = 0;
  let misses = 0;
  const start = performance.now();
  const deadline = start + durationMs;

  const loop = async (seed: number): Promise<void> => {
    let state = seed;
    while (performance.now() < deadline) {
      for (let i = 0; i < BATCH; i++) {
        state = xorshift32(state);
        const id = ids[state % ids.length] as string;
        state = xorshift32(state);
        if (state % 5 === 0) {
          await workload.store(id, blob, TTL_MS);
        } else if ((await workload.load(id)) == null) {
          misses++;
        }
      }
      ops += BATCH;
    }
  };

  const base = options.seed ?? 1;
  await Promise.all(Array.from({ length: concurrency }, (_, i) => loop(seedFor(base, i))));
  const elapsedMs = performance.now() - start;
  return { opsPerSec: (ops / elapsedMs) * 1000, ops, misses };
}

/** Stores the blob under every id, `concurrency` at a time. */
export async function populate(
  workload: Workload,
  ids: readonly string[],
  blob: Buffer,
  concurrency = 16,
): Promise<void> {
  let next = 0;
  const loop = async (): Promise<void> => {
    while (next < ids.length) {
      const id = ids[next++] as string;
      await workload.store(id, blob, TTL_MS);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
}

function xorshift32(x: number): number {
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return x >>> 0;
}

/** A non-zero seed per loop (xorshift stays at 0 forever). */
function seedFor(base: number, loop: number): number {
  return (Math.imul(base, 0x9e3779b1) ^ Math.imul(loop + 1, 0x85ebca6b)) >>> 0 || 1;
}
