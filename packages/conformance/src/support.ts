import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import type { SessionStore } from "@session-store/core";
import type { CheckContext } from "./types.js";

/** A TTL no check outlives. */
export const HOUR = 3_600_000;

/** A TTL short enough to wait out, long enough to act on the session before it expires. */
export const SHORT_TTL = 400;

/** The monotonic clock the checks measure windows with. */
export const now = (): number => performance.now();

/** Waits until the monotonic clock reads at least `time`. */
export async function sleepUntil(time: number): Promise<void> {
  const wait = time - now();
  if (wait > 0) await sleep(Math.ceil(wait));
}

/** Runs `work` and records when it started and ended. */
export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; start: number; end: number }> {
  const start = now();
  const value = await work();
  return { value, start, end: now() };
}

/** Every byte value once, 0 through 255. */
export function allByteValues(): Uint8Array {
  return Uint8Array.from({ length: 256 }, (_, index) => index);
}

/** `size` random bytes (not a Buffer: a plain Uint8Array, as a careful caller might pass). */
export function randomData(size: number): Uint8Array {
  return new Uint8Array(randomBytes(size));
}

/** A distinct small payload for `label`, so each id's data is recognisable. */
export function dataFor(label: string): Uint8Array {
  return new TextEncoder().encode(`payload:${label}`);
}

/** A fresh random id, safe on every backend. */
export function newId(): string {
  return `id-${randomBytes(8).toString("hex")}`;
}

/** How long the sessions `storeExpired` writes live. */
const EXPIRED_TTL = 50;

/** Stores a session under each id that expires at once, and waits until all certainly have. */
export async function storeExpired(context: CheckContext, store: SessionStore, ids: readonly string[]): Promise<void> {
  const stored = await timed(() => Promise.all(ids.map((id) => store.store(id, dataFor(id), EXPIRED_TTL))));
  await sleepUntil(stored.end + EXPIRED_TTL + context.capabilities.expirySlackMs);
}
