import { SessionStoreError } from "@session-store/core";

/** Whether an error is the session store failing (not answering, refusing, timing out). */
export function isStoreFailure(error: unknown): boolean {
  // By name too: a store built against another copy of core throws its own class.
  return error instanceof SessionStoreError || (error instanceof Error && error.name === "SessionStoreError");
}
