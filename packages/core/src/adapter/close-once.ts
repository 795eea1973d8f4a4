import type { Operation } from "../session-store.js";
import { SessionStoreError } from "../session-store-error.js";

/**
 * A store's closed state: `close(shutdown)` runs the shutdown once however often it is
 * called and hands every caller the same promise; `assertOpen` refuses operations
 * from the first `close()` on, before the shutdown has finished.
 */
export class CloseOnce {
  readonly #backend: string;
  #closing: Promise<void> | undefined;

  constructor(backend: string) {
    this.#backend = backend;
  }

  /** Whether `close()` has been called (the shutdown may still be running). */
  get closed(): boolean {
    return this.#closing !== undefined;
  }

  close(shutdown: () => Promise<void>): Promise<void> {
    this.#closing ??= shutdown();
    return this.#closing;
  }

  /** Throws the store-closed `SessionStoreError` once `close()` was called. */
  assertOpen(operation: Operation): void {
    if (this.#closing !== undefined) throw SessionStoreError.closed(this.#backend, operation);
  }
}
