import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import type { SessionStore, Sweeper } from "@session-store/core";
import { startSweeper } from "@session-store/core";
import { checkArguments, CloseOnce } from "@session-store/core/adapter";
import { Entry } from "./entry.js";
import { ExpiryQueue } from "./expiry-queue.js";
import type { MemoryStoreOptions } from "./options.js";
import { resolveMemoryStoreOptions } from "./options.js";

const BACKEND = "memory";
const EMPTY = new Uint8Array(0);
/** Longest a sweep holds the event loop before it lets other work run, in ms. */
const SWEEP_SLICE_MS = 5;
/** Deletions between clock reads within a slice: reading the clock costs more than a deletion. */
const DELETIONS_PER_CLOCK_READ = 256;

/**
 * The copy `load` hands out. `Buffer.allocUnsafe` carves small sizes from Node's own
 * shared pool (one allocation per 8 KiB instead of one per load), and every byte of
 * it is overwritten at once, so nothing uninitialised is ever exposed. The copy is a
 * plain Uint8Array view, like the one `store` was given.
 */
function copyOut(data: Uint8Array): Uint8Array {
  const pooled = Buffer.allocUnsafe(data.length);
  const copy = new Uint8Array(pooled.buffer, pooled.byteOffset, pooled.length);
  copy.set(data);
  return copy;
}

/**
 * Sessions in a `Map` inside this process: for tests, single-process apps and as the
 * speed reference for the other stores. Data is copied in on `store` and out on
 * `load`, so no caller can change what is stored. Expired sessions are never
 * returned; a janitor on an unref'd timer (or `sweep()`) gives their memory back.
 */
export class MemoryStore implements SessionStore {
  readonly #entries = new Map<string, Entry>();
  readonly #queue = new ExpiryQueue(this.#entries);
  readonly #maxSessions: number;
  readonly #janitor: Sweeper;
  readonly #closing = new CloseOnce(BACKEND);

  constructor(options?: MemoryStoreOptions) {
    const resolved = resolveMemoryStoreOptions(options);
    this.#maxSessions = resolved.maxSessions;
    this.#janitor = startSweeper(this, { intervalMs: resolved.janitorIntervalMs });
  }

  /** Sessions held, expired ones the janitor has not deleted yet included. */
  get size(): number {
    return this.#entries.size;
  }

  async load(id: string): Promise<Uint8Array | undefined> {
    checkArguments({ id });
    this.#closing.assertOpen("load");
    const entry = this.#entries.get(id);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.#delete(entry);
      return undefined;
    }
    return copyOut(entry.data);
  }

  async store(id: string, data: Uint8Array, ttlMs: number): Promise<void> {
    const ttl = checkArguments({ id, data, ttlMs });
    this.#closing.assertOpen("store");
    const expiresAt = Date.now() + ttl;
    let entry = this.#entries.get(id);
    if (entry === undefined) {
      if (this.#entries.size >= this.#maxSessions) this.#evictOne();
      // Its own exact-size ArrayBuffer: a long-lived copy must not pin a shared pool.
      entry = new Entry(id, new Uint8Array(data), expiresAt);
      this.#entries.set(id, entry);
      this.#queue.compactIfSparse();
    } else {
      // The stored array is never handed out, so a same-size rewrite can reuse it.
      if (entry.data.length === data.length) entry.data.set(data);
      else entry.data = new Uint8Array(data);
      entry.expiresAt = expiresAt;
    }
    this.#queue.schedule(entry);
  }

  async remove(id: string): Promise<boolean> {
    checkArguments({ id });
    this.#closing.assertOpen("remove");
    const entry = this.#entries.get(id);
    if (entry === undefined) return false;
    this.#delete(entry);
    return entry.expiresAt > Date.now();
  }

  async touch(id: string, ttlMs: number): Promise<boolean> {
    const ttl = checkArguments({ id, ttlMs });
    this.#closing.assertOpen("touch");
    const entry = this.#entries.get(id);
    if (entry === undefined) return false;
    const now = Date.now();
    if (entry.expiresAt <= now) {
      this.#delete(entry);
      return false;
    }
    entry.expiresAt = now + ttl;
    this.#queue.schedule(entry);
    return true;
  }

  /**
   * Runs the janitor now: deletes every session expired when it started and resolves
   * how many. It works in slices of about 5 ms, yielding to the event loop between
   * them, so a mass expiry never stalls requests; reads check expiry themselves, so a
   * sweep that is behind never lets expired data out. `close()` ends it early.
   */
  async sweep(): Promise<number> {
    this.#closing.assertOpen("sweep");
    const now = Date.now();
    let deleted = 0;
    let sliceEnd = performance.now() + SWEEP_SLICE_MS;
    for (let entry = this.#queue.popDue(now); entry !== undefined; entry = this.#queue.popDue(now)) {
      this.#delete(entry);
      deleted++;
      if (deleted % DELETIONS_PER_CLOCK_READ === 0 && performance.now() >= sliceEnd) {
        await yieldToEventLoop();
        // close() has dropped every session and cleared the queue meanwhile.
        if (this.#closing.closed) return deleted;
        sliceEnd = performance.now() + SWEEP_SLICE_MS;
      }
    }
    this.#queue.release();
    return deleted;
  }

  /** Stops the janitor and drops every session. Idempotent; later calls reject. */
  close(): Promise<void> {
    return this.#closing.close(() => this.#shutdown());
  }

  async #shutdown(): Promise<void> {
    this.#entries.clear();
    this.#queue.clear();
    await this.#janitor.stop();
  }

  /**
   * Makes room for one more session: the entry that expires soonest goes first,
   * and as expired entries expire soonest of all they always go before live ones.
   */
  #evictOne(): void {
    const victim = this.#queue.popDue(Infinity);
    if (victim !== undefined) this.#delete(victim);
  }

  #delete(entry: Entry): void {
    this.#entries.delete(entry.id);
    // Its queue item may linger until it comes due: free the bytes now.
    entry.data = EMPTY;
  }
}
