import type { Operation } from "@session-store/core";
import { SessionStoreError } from "@session-store/core";

export type Callback<T = void> = (error: unknown, value?: T) => void;

export const BACKEND = "express";

/**
 * Reports how `work` ends. With a callback, reports to it on a later tick, so that a
 * callback which throws surfaces as the framework's own error, never as a rejection
 * of ours; without one, returns the promise. Either way failures are `SessionStoreError`s.
 */
export function settle<T>(operation: Operation, callback: Callback<T> | undefined, work: Promise<T>): Promise<T> | undefined {
  if (callback === undefined) {
    return work.catch((error: unknown) => {
      throw SessionStoreError.from(error, BACKEND, operation);
    });
  }
  work.then(
    (value) => process.nextTick(callback, null, value),
    (error: unknown) => process.nextTick(callback, SessionStoreError.from(error, BACKEND, operation)),
  );
  return undefined;
}
