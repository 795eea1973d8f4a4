import { randomBytes } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";

/** A TTL no test outlives. */
export const HOUR = 3_600_000;

/** A fresh name no other test or engineer uses: `prefix` + "_" + hex. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString("hex")}`;
}

/** Settles `promise` and says how long it took, in ms. */
export async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown; ms: number }> {
  const start = performance.now();
  try {
    return { value: await promise, ms: performance.now() - start };
  } catch (error) {
    return { error, ms: performance.now() - start };
  }
}

/** Polls `condition` until it holds, or throws naming `what` once `timeoutMs` has passed. */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(10);
  }
}
