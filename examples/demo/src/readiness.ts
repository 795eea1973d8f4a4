import type { SessionStore } from "@session-store/core";
import { setTimeout as sleep } from "node:timers/promises";

/** An id no session has: loading it costs one round trip and proves the store answers. */
const PROBE_ID = "session-demo-readiness-probe";
export const READINESS_TIMEOUT_MS = 10_000;

/** Resolves once the store answers a load; rejects with one line saying why not. */
export async function checkReady(store: SessionStore, backend: string, timeoutMs = READINESS_TIMEOUT_MS): Promise<void> {
  const controller = new AbortController();
  const timedOut = sleep(timeoutMs, "timeout" as const, { signal: controller.signal });
  try {
    const outcome = await Promise.race([store.load(PROBE_ID).then(() => "ready" as const), timedOut]);
    if (outcome === "timeout") throw new Error(`no answer within ${timeoutMs / 1000} s`);
  } catch (error) {
    const reason = error instanceof Error ? firstLine(error.message) : String(error);
    throw new Error(`${backend} is not answering (${reason})`, { cause: error });
  } finally {
    controller.abort();
  }
}

function firstLine(text: string): string {
  return text.split("\n", 1)[0] ?? "";
}
