import type { EntriesOptions, ListedEntry, Operation, SessionEntry } from "@session-store/core";
import { DEFAULT_OPERATION_TIMEOUT_MS, SessionStoreError } from "@session-store/core";
import type { OperationContext } from "@session-store/core/adapter";
import { checkArguments, checkEntriesOptions, operationContexts, runOperation } from "@session-store/core/adapter";
import type { SessionReader } from "./session-reader.js";
import { readOnlyError } from "./session-reader.js";

/** One page of a keyset or cursor walk: the entries and where the next page starts (`undefined`: done). */
export interface Page<Cursor> {
  readonly entries: readonly ListedEntry[];
  readonly next: Cursor | undefined;
}

/**
 * What the three readers share: argument checks, the deadline-and-error wrapper,
 * writes that reject, ping, close. A subclass reads one entry and one page.
 */
export abstract class ReaderBase<Cursor> implements SessionReader {
  readonly readOnly = true as const;
  readonly #contexts: Readonly<Record<Operation, OperationContext>>;
  #closed = false;

  protected constructor(readonly backend: string) {
    this.#contexts = operationContexts(backend, DEFAULT_OPERATION_TIMEOUT_MS);
  }

  /** The live entry under `id`, or `undefined`. */
  protected abstract readEntry(id: string): Promise<SessionEntry | undefined>;
  /** Up to `size` live entries from `cursor` on (`undefined`: the first page). */
  protected abstract readPage(cursor: Cursor | undefined, size: number): Promise<Page<Cursor>>;
  /** How many live entries there are. */
  protected abstract countLive(): Promise<number>;
  /** One cheap round trip to the backend. */
  protected abstract roundTrip(): Promise<void>;
  /** Releases what the reader opened itself. */
  protected abstract release(): Promise<void>;

  async load(id: string): Promise<Uint8Array | undefined> {
    return (await this.#entry(id, "load"))?.data;
  }

  entry(id: string): Promise<SessionEntry | undefined> {
    return this.#entry(id, "entry");
  }

  async *entries(options?: EntriesOptions): AsyncIterable<ListedEntry> {
    const size = checkEntriesOptions(options);
    let cursor: Cursor | undefined;
    do {
      this.#open("entries");
      const page = await runOperation(this.#contexts.entries, () => this.readPage(cursor, size));
      yield* page.entries;
      cursor = page.next;
    } while (cursor !== undefined);
  }

  async count(): Promise<number> {
    this.#open("count");
    return runOperation(this.#contexts.count, () => this.countLive());
  }

  async store(id: string, data: Uint8Array, ttlMs: number): Promise<boolean> {
    checkArguments({ id, data, ttlMs });
    throw this.#closedOr("store");
  }

  async remove(id: string): Promise<boolean> {
    checkArguments({ id });
    throw this.#closedOr("remove");
  }

  async touch(id: string, ttlMs: number): Promise<boolean> {
    checkArguments({ id, ttlMs });
    throw this.#closedOr("touch");
  }

  async ping(): Promise<void> {
    this.#open("ping");
    await runOperation(this.#contexts.ping, () => this.roundTrip());
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.release();
  }

  async #entry(id: string, operation: "load" | "entry"): Promise<SessionEntry | undefined> {
    checkArguments({ id });
    this.#open(operation);
    return runOperation(this.#contexts[operation], () => this.readEntry(id), id);
  }

  #open(operation: Operation): void {
    if (this.#closed) throw SessionStoreError.closed(this.backend, operation);
  }

  #closedOr(operation: Operation): SessionStoreError {
    return this.#closed ? SessionStoreError.closed(this.backend, operation) : readOnlyError(this.backend, operation);
  }
}
