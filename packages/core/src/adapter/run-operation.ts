import type { Operation } from "../session-store.js";
import { SessionStoreError } from "../session-store-error.js";

/** How long an operation may take before it rejects, unless a store is told otherwise. */
export const DEFAULT_OPERATION_TIMEOUT_MS = 5_000;

/** The backend, operation and deadline one call runs under. */
export interface OperationContext {
  readonly backend: string;
  readonly operation: Operation;
  readonly timeoutMs: number;
}

const OPERATIONS: readonly Operation[] = [
  "load",
  "store",
  "remove",
  "touch",
  "sweep",
  "close",
  "connect",
  "setup",
  "ping",
  "entry",
  "sessionsOf",
  "removeSessionsOf",
  "revoke",
  "entries",
  "count",
  "clear",
];

/**
 * The context of every operation for one store, made once when the store is built
 * so the hot path allocates none.
 */
export function operationContexts(backend: string, timeoutMs: number): Readonly<Record<Operation, OperationContext>> {
  const entries = OPERATIONS.map((operation) => [operation, { backend, operation, timeoutMs }] as const);
  return Object.freeze(Object.fromEntries(entries) as Record<Operation, OperationContext>);
}

/**
 * Runs one backend call so that it never hangs and never leaks a driver error:
 * it rejects with a `SessionStoreError` once `timeoutMs` has passed, and any error
 * the work throws becomes a `SessionStoreError` with a sanitized copy of the driver's
 * error as `cause`; `subject` (the call's id or owner) is cut out of every message.
 *
 * The work itself is not cancelled by the deadline; drivers keep their own timeouts
 * so that the abandoned call ends soon after.
 */
export function runOperation<T>(context: OperationContext, work: () => Promise<T>, subject?: string): Promise<T> {
  const { backend, operation, timeoutMs } = context;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new SessionStoreError(`${operation} timed out after ${timeoutMs} ms`, { backend, operation }));
    }, timeoutMs);
    timer.unref();
    let pending: Promise<T>;
    try {
      pending = work();
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(SessionStoreError.from(error, backend, operation, subject));
      },
    );
  });
}
