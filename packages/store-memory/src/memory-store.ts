import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import type {
  EntriesOptions,
  ListedEntry,
  ManagedSessionStore,
  OwnedSession,
  RemoveSessionsOfOptions,
  SessionEntry,
  StoreOptions,
  Sweeper,
} from "@session-store/core";
import { startSweeper } from "@session-store/core";
import {
  checkArguments,
  checkEntriesOptions,
  checkOwner,
  checkRemoveSessionsOf,
  checkStoreOptions,
  CloseOnce,
} from "@session-store/core/adapter";
import { Entry } from "./entry.js";
import { ExpiryQueue } from "./expiry-queue.js";
import type { MemoryStoreOptions } from "./options.js";
import { resolveMemoryStoreOptions } from "./options.js";
import { OwnerIndex } from "./owner-index.js";

const BACKEND = "memory";
const EMPTY = new Uint8Array(0);
/** Longest a sweep or a scan holds the event loop before it lets other work run, in ms. */
const SLICE_MS = 5;
/** Entries handled between clock reads within a slice: reading the clock costs more than one entry. */
const ENTRIES_PER_CLOCK_READ = 256;

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

/** A session as `entry` and `entries` hand it out: the owner property only when it has one. */
function sessionEntry(entry: Entry): SessionEntry {
  const data = copyOut(entry.data);
  return entry.owner === undefined
    ? { data, expiresAt: entry.expiresAt }
    : { data, expiresAt: entry.expiresAt, owner: entry.owner };
}

/**
 * Sessions in a `Map` inside this process: for tests, single-process apps and as the
 * speed reference for the other stores. Data is copied in on `store` and out on
 * `load`, so no caller can change what is stored. Expired sessions are never
 * returned; a janitor on an unref'd timer (or `sweep()`) gives their memory back.
 *
 * A revocation sits in the map in place of the session it ended, so `store`'s check
 * of it and its write are one step. Owners are indexed in a Map owner -> Set of ids.
 */
export class MemoryStore implements ManagedSessionStore {
  readonly #entries = new Map<string, Entry>();
  readonly #queue = new ExpiryQueue(this.#entries);
  readonly #revocationQueue = new ExpiryQueue(this.#entries, "revocations");
  readonly #owners = new OwnerIndex();
  /** How many of `#entries` are revocations. */
  #revocations = 0;
  readonly #maxSessions: number;
  readonly #revocationGraceMs: number;
  readonly #janitor: Sweeper;
  readonly #closing = new CloseOnce(BACKEND);

  constructor(options?: MemoryStoreOptions) {
    const resolved = resolveMemoryStoreOptions(options);
    this.#maxSessions = resolved.maxSessions;
    this.#revocationGraceMs = resolved.revocationGraceMs;
    this.#janitor = startSweeper(this, { intervalMs: resolved.janitorIntervalMs });
  }

  /** Sessions held, expired ones the janitor has not deleted yet included; revocations not. */
  get size(): number {
    return this.#entries.size - this.#revocations;
  }

  /** Owners with at least one session held. */
  get owners(): number {
    return this.#owners.size;
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
    return entry.revoked ? undefined : copyOut(entry.data);
  }

  async store(id: string, data: Uint8Array, ttlMs: number, options?: StoreOptions): Promise<boolean> {
    const ttl = checkArguments({ id, data, ttlMs });
    const owner = options === undefined ? undefined : checkStoreOptions(options);
    this.#closing.assertOpen("store");
    const now = Date.now();
    let entry = this.#entries.get(id);
    if (entry?.revoked) {
      if (entry.expiresAt > now) return false;
      this.#delete(entry);
      entry = undefined;
    }
    const expiresAt = now + ttl;
    if (entry === undefined) {
      if (this.size >= this.#maxSessions) this.#evictOne();
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
    if (entry.owner !== owner) this.#owners.file(entry, owner);
    this.#queue.schedule(entry);
    return true;
  }

  async remove(id: string): Promise<boolean> {
    checkArguments({ id });
    this.#closing.assertOpen("remove");
    const entry = this.#entries.get(id);
    if (entry === undefined) return false;
    const live = entry.expiresAt > Date.now();
    // A revocation stays until it ends: remove never lifts one.
    if (entry.revoked && live) return false;
    this.#delete(entry);
    return live && !entry.revoked;
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
    if (entry.revoked) return false;
    entry.expiresAt = now + ttl;
    this.#queue.schedule(entry);
    return true;
  }

  async entry(id: string): Promise<SessionEntry | undefined> {
    checkArguments({ id });
    this.#closing.assertOpen("entry");
    const entry = this.#liveSession(id, Date.now());
    return entry === undefined ? undefined : sessionEntry(entry);
  }

  async sessionsOf(owner: string): Promise<OwnedSession[]> {
    checkOwner(owner);
    this.#closing.assertOpen("sessionsOf");
    const now = Date.now();
    const sessions: OwnedSession[] = [];
    for (const id of this.#idsOf(owner)) {
      const entry = this.#liveSession(id, now);
      if (entry !== undefined) sessions.push({ id, expiresAt: entry.expiresAt });
    }
    return sessions;
  }

  async removeSessionsOf(owner: string, options?: RemoveSessionsOfOptions): Promise<number> {
    const checked = checkRemoveSessionsOf(owner, options);
    this.#closing.assertOpen("removeSessionsOf");
    const now = Date.now();
    let revoked = 0;
    for (const id of this.#idsOf(checked.owner)) {
      // An expired one is only deleted: there is nothing left to keep dead.
      if (this.#liveSession(id, now) === undefined || id === checked.except) continue;
      this.#revoke(id, now);
      revoked++;
    }
    return revoked;
  }

  async revoke(id: string): Promise<boolean> {
    checkArguments({ id });
    this.#closing.assertOpen("revoke");
    return this.#revoke(id, Date.now());
  }

  /**
   * Walks the map's own iterator, so it holds no copy of the namespace: a session
   * added meanwhile may be yielded, one removed meanwhile is not. It lets the event
   * loop run after every `batchSize` entries it looks at.
   */
  async *entries(options?: EntriesOptions): AsyncGenerator<ListedEntry> {
    const batchSize = checkEntriesOptions(options);
    this.#closing.assertOpen("entries");
    let looked = 0;
    for (const entry of this.#entries.values()) {
      if (!entry.revoked && entry.expiresAt > Date.now()) yield { id: entry.id, ...sessionEntry(entry) };
      if (++looked % batchSize === 0) {
        await yieldToEventLoop();
        this.#closing.assertOpen("entries");
      }
    }
  }

  async count(): Promise<number> {
    this.#closing.assertOpen("count");
    let live = 0;
    await this.#scan("count", (entry, now) => {
      if (!entry.revoked && entry.expiresAt > now) live++;
    });
    return live;
  }

  /** Deletes every session, expired ones included; revocations stay. Resolves how many live ones it deleted. */
  async clear(): Promise<number> {
    this.#closing.assertOpen("clear");
    let removed = 0;
    await this.#scan("clear", (entry, now) => {
      if (entry.revoked) return;
      if (entry.expiresAt > now) removed++;
      this.#delete(entry);
    });
    return removed;
  }

  /**
   * Runs the janitor now: deletes every session expired and every revocation ended
   * when it started, and resolves how many. It works in slices of about 5 ms, yielding
   * to the event loop between them, so a mass expiry never stalls requests; reads
   * check expiry themselves, so a sweep that is behind never lets expired data out.
   * `close()` ends it early.
   */
  async sweep(): Promise<number> {
    this.#closing.assertOpen("sweep");
    const now = Date.now();
    let deleted = 0;
    let sliceEnd = performance.now() + SLICE_MS;
    for (let entry = this.#popDue(now); entry !== undefined; entry = this.#popDue(now)) {
      this.#delete(entry);
      deleted++;
      if (deleted % ENTRIES_PER_CLOCK_READ === 0 && performance.now() >= sliceEnd) {
        await yieldToEventLoop();
        // close() has dropped every session and cleared the queue meanwhile.
        if (this.#closing.closed) return deleted;
        sliceEnd = performance.now() + SLICE_MS;
      }
    }
    this.#queue.release();
    this.#revocationQueue.release();
    return deleted;
  }

  /** Nothing to reach: resolves while the store is open. */
  async ping(): Promise<void> {
    this.#closing.assertOpen("ping");
  }

  /** Stops the janitor and drops every session. Idempotent; later calls reject. */
  close(): Promise<void> {
    return this.#closing.close(() => this.#shutdown());
  }

  async #shutdown(): Promise<void> {
    this.#entries.clear();
    this.#revocations = 0;
    this.#owners.clear();
    this.#queue.clear();
    this.#revocationQueue.clear();
    await this.#janitor.stop();
  }

  /** The session under `id` if it is live; an ended one found on the way is deleted. */
  #liveSession(id: string, now: number): Entry | undefined {
    const entry = this.#entries.get(id);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now) {
      this.#delete(entry);
      return undefined;
    }
    return entry.revoked ? undefined : entry;
  }

  /** A copy of the owner's ids: the caller may delete or revoke them as it goes. */
  #idsOf(owner: string): string[] {
    const ids = this.#owners.idsOf(owner);
    return ids === undefined ? [] : [...ids];
  }

  /**
   * Puts a revocation in place of whatever `id` holds, ending at the later of the
   * session's expiry, an earlier revocation's end and now + the grace; resolves
   * whether a live session was there.
   */
  #revoke(id: string, now: number): boolean {
    const graceEnd = now + this.#revocationGraceMs;
    const entry = this.#entries.get(id);
    if (entry?.revoked && entry.expiresAt > now) {
      entry.expiresAt = Math.max(entry.expiresAt, graceEnd);
      this.#revocationQueue.schedule(entry);
      return false;
    }
    const live = entry !== undefined && !entry.revoked && entry.expiresAt > now;
    const end = live ? Math.max(entry.expiresAt, graceEnd) : graceEnd;
    if (entry !== undefined) this.#delete(entry);
    const revocation = new Entry(id, EMPTY, end, true);
    this.#entries.set(id, revocation);
    this.#revocations++;
    this.#revocationQueue.compactIfSparse();
    this.#revocationQueue.schedule(revocation);
    return live;
  }

  /** The next session expired or revocation ended by `limit`, if any. */
  #popDue(limit: number): Entry | undefined {
    return this.#queue.popDue(limit) ?? this.#revocationQueue.popDue(limit);
  }

  /**
   * Visits every entry held, in slices of about 5 ms with the event loop let in
   * between, so a namespace of millions never stalls requests. Entries stored or
   * deleted meanwhile may or may not be visited.
   */
  async #scan(operation: "count" | "clear", visit: (entry: Entry, now: number) => void): Promise<void> {
    let now = Date.now();
    let visited = 0;
    let sliceEnd = performance.now() + SLICE_MS;
    for (const entry of this.#entries.values()) {
      visit(entry, now);
      if (++visited % ENTRIES_PER_CLOCK_READ === 0 && performance.now() >= sliceEnd) {
        await yieldToEventLoop();
        this.#closing.assertOpen(operation);
        now = Date.now();
        sliceEnd = performance.now() + SLICE_MS;
      }
    }
  }

  /**
   * Makes room for one more session: the entry that expires soonest goes first,
   * and as expired entries expire soonest of all they always go before live ones.
   * Revocations are in a queue of their own, so they are never evicted.
   */
  #evictOne(): void {
    const victim = this.#queue.popDue(Infinity);
    if (victim !== undefined) this.#delete(victim);
  }

  #delete(entry: Entry): void {
    this.#entries.delete(entry.id);
    if (entry.revoked) this.#revocations--;
    else this.#owners.unfile(entry);
    // Its queue item may linger until it comes due: free the bytes now.
    entry.data = EMPTY;
  }
}
