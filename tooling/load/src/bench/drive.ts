/**
 * The bench workload every contender runs: random ids from a populated set, 80% load and
 * 20% store of one blob, issued by N async loops for a fixed time.
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { HOUR } from "@session-store/harness";
import type { Workload } from "./types.js";

/** Sessions live for an hour: every load in a run hits. */
export const TTL_MS = HOUR;

/** `count` session ids shaped like express-session's (24 random bytes, base64url). */
export function makeIds(count: number, prefix = ""): string[] {
  const bytes = randomBytes(24 * count);
  return Array.from({ length: count }, (_, i) => prefix + bytes.toString("base64url", 24 * i, 24 * i + 24));
}

/** Random bytes: they compress like encrypted session data does, not at all. */
export const makeBlob = (size: number): Buffer => randomBytes(size);

/** `seed` seeds the op and id choice, so every contender of a repetition draws the same sequence. */
export type DriveOptions = { readonly ids: readonly string[]; readonly blob: Buffer; readonly concurrency: number; readonly durationMs: number; readonly seed?: number };
/**
 * `misses`: loads that found nothing; must stay 0, since every id was stored before the run.
 * `cpuUsPerOp`: this process's CPU time (user + system) over the run per op, which a busy
 * machine inflates far less than it deflates ops/s (a contender runs alone in its process).
 */
export type DriveResult = { readonly opsPerSec: number; readonly ops: number; readonly misses: number; readonly cpuUsPerOp: number };

/** µs of CPU (user + system) this process spent since `since`. */
export function cpuSince(since: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(since);
  return user + system;
}

/** Ops between two clock reads, so reading the clock costs nothing next to the ops. */
const BATCH = 8;

/** Runs the 80/20 mix with `concurrency` loops until `durationMs` has passed. */
export async function drive(workload: Workload, { ids, blob, concurrency, durationMs, seed = 1 }: DriveOptions): Promise<DriveResult> {
  let ops = 0;
  let misses = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const deadline = start + durationMs;
  const loop = async (loopSeed: number): Promise<void> => {
    let state = loopSeed;
    while (performance.now() < deadline) {
      for (let i = 0; i < BATCH; i++) {
        state = xorshift32(state);
        const id = ids[state % ids.length] as string;
        state = xorshift32(state);
        if (state % 5 === 0) await workload.store(id, blob, TTL_MS);
        else if ((await workload.load(id)) == null) misses++;
      }
      ops += BATCH;
    }
  };
  // A non-zero seed per loop (xorshift stays at 0 forever).
  await Promise.all(Array.from({ length: concurrency }, (_, i) => loop((Math.imul(seed, 0x9e3779b1) ^ Math.imul(i + 1, 0x85ebca6b)) >>> 0 || 1)));
  const ms = performance.now() - start;
  return { opsPerSec: (ops / ms) * 1000, ops, misses, cpuUsPerOp: cpuSince(cpu) / ops };
}

/** Stores the blob under every id, 16 at a time. */
export async function populate(workload: Workload, ids: readonly string[], blob: Buffer): Promise<void> {
  let next = 0;
  const loop = async () => {
    while (next < ids.length) await workload.store(ids[next++] as string, blob, TTL_MS);
  };
  await Promise.all(Array.from({ length: 16 }, loop));
}

function xorshift32(x: number): number {
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return x >>> 0;
}
