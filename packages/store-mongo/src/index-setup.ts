import type { SessionStoreError } from "@session-store/core";
import { isPermanentSetupError } from "./schema.js";

/** How long after a failure that a retry may fix (a network error) a later call starts setup again. */
export const SETUP_RETRY_AFTER_MS = 60_000;

/**
 * The store's indexes, created once and off the hot path: calls never wait for an
 * index build (on a collection with data that is a real build, waiting for every
 * voting member), they run on the `_id` index, and the expiry and owner indexes
 * serve once they exist. A background failure is reported as a process warning, an
 * explicit `setup()`'s by its rejection; a permanent one (a conflicting index, no permission) is not retried by
 * calls, a transient one is, at most once per `SETUP_RETRY_AFTER_MS`.
 */
export class IndexSetup {
  readonly #create: () => Promise<void>;
  readonly #report: (error: SessionStoreError) => void;
  #attempt: Promise<void> | undefined;
  #done = false;
  #failure: { readonly error: SessionStoreError; readonly at: number } | undefined;

  /** `report` hears of each failed background attempt (the store emits a process warning). */
  constructor(create: () => Promise<void>, report: (error: SessionStoreError) => void) {
    this.#create = create;
    this.#report = report;
  }

  /** Starts setup in the background if it is due; never waits and never rejects. */
  startIfDue(): void {
    if (this.#done || this.#attempt !== undefined) return;
    const failure = this.#failure;
    if (failure !== undefined && (isPermanentSetupError(failure.error) || Date.now() - failure.at < SETUP_RETRY_AFTER_MS)) return;
    this.#start().catch(this.#report);
  }

  /** Joins the attempt in progress, or starts one (also after a failure): resolves once the indexes exist. */
  run(): Promise<void> {
    if (this.#done) return Promise.resolve();
    return this.#attempt ?? this.#start();
  }

  #start(): Promise<void> {
    const attempt = this.#create().then(
      () => {
        this.#done = true;
        this.#attempt = undefined;
        this.#failure = undefined;
      },
      (error: SessionStoreError) => {
        this.#attempt = undefined;
        this.#failure = { error, at: Date.now() };
        throw error;
      },
    );
    this.#attempt = attempt;
    return attempt;
  }
}
