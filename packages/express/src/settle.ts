import type { Operation } from "@session-store/core";
import { SessionStoreError } from "@session-store/core";

export type Callback<T = void> = (error: unknown, value?: T) => void;

export const BACKEND = "express";

/**
 * Runs `work`. With a callback, reports to it on a later tick, so that a callback
 * which throws surfaces as the framework's own error, never as a rejection of ours;
 * without one, returns the promise. Either way failures are `SessionStoreError`s.
 */
export function settle<T>(operation: Operation, callback: Callback<T> | undefined, work: () => Promise<T>): Promise<T> | undefined {
  const result = work().catch((error: unknown) => {
    throw SessionStoreError.from(error, BACKEND, operation);
  });
  if (callback === undefined) return result;
  result.then(
    (value) => process.nextTick(callback, null, value),
    (error: unknown) => process.nextTick(callback, error),
  );
  return undefined;
}
