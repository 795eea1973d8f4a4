import type { ManagedSessionStore, Operation, SessionStore } from "@session-store/core";
import { isManaged, SessionStoreError } from "@session-store/core";
import { checkOwner, decodeSession, encodeSession, pingStore, storeReady } from "@session-store/core/adapter";
import type { SessionData } from "express-session";
import type { CheckedOptions, ExpressSessionStoreOptions } from "./options.js";
import { checkOptions } from "./options.js";
import { RecentSessions } from "./recent-sessions.js";
import type { Callback } from "./settle.js";
import { BACKEND, settle } from "./settle.js";
import { storeBase } from "./store-base.js";
import { isUnchanged, storedForm } from "./stored-form.js";
import { withStoredExpiry } from "./stored-expiry.js";
import { sessionTtl } from "./ttl.js";

/** One session of a user, as `sessionsOf` lists it. */
export interface UserSession {
  readonly id: string;
  /** When the store ends it, in epoch ms. */
  readonly expiresAt: number;
  readonly session: SessionData;
}

/** How many sessions `all()` fetches per round trip. */
const LIST_BATCH_SIZE = 100;

/**
 * Any `SessionStore` as an express-session store, which @fastify/session accepts
 * too. Sessions are stored as serialized bytes for as long as their cookie lives.
 * Errors reach the framework through the callback (or the returned promise, when
 * no callback is given) as `SessionStoreError`s; nothing throws. A stored entry
 * that does not decode reads as no session, so the user gets a fresh one instead
 * of an error on every request until it expires.
 *
 * Over a managed store (`isManaged`), destroy revokes, so a request that loaded
 * the session before a logout cannot write it back; get reads the store's real
 * expiry into `cookie.expires`; and sessions can be filed under their user.
 *
 * Every method calls the store before it returns (nothing is awaited first), so
 * calls on one id reach the store in the order they were made, awaited or not.
 *
 * The wrapped store belongs to the caller, who closes it.
 */
export class ExpressSessionStore extends storeBase() {
  readonly #store: SessionStore;
  readonly #managed: ManagedSessionStore | undefined;
  readonly #options: CheckedOptions;
  /** Expiry and stored form per session id, from get and from our own writes. */
  readonly #recent = new RecentSessions();

  constructor(store: SessionStore, options?: ExpressSessionStoreOptions) {
    super();
    if (typeof store?.load !== "function") throw new TypeError("ExpressSessionStore needs a SessionStore");
    this.#store = store;
    this.#managed = isManaged(store) ? store : undefined;
    this.#options = checkOptions(options);
    if (this.#options.owner && !this.#managed) {
      throw new TypeError("the owner option needs a store with session management (isManaged(store) is false)");
    }
  }

  override get(sid: string): Promise<SessionData | null>;
  override get(sid: string, callback: Callback<SessionData | null>): void;
  override get(sid: string, callback?: Callback<SessionData | null>): Promise<SessionData | null> | undefined {
    return settle("load", callback, this.#get(sid));
  }

  override set(sid: string, session: SessionData): Promise<void>;
  override set(sid: string, session: SessionData, callback?: Callback): void;
  override set(sid: string, session: SessionData, callback?: Callback): Promise<void> | undefined {
    return settle("store", callback, this.#set(sid, session));
  }

  /** Signs the session out. Over a managed store it is revoked: a request still holding it cannot save it back. */
  override destroy(sid: string): Promise<void>;
  override destroy(sid: string, callback?: Callback): void;
  override destroy(sid: string, callback?: Callback): Promise<void> | undefined {
    return settle(this.#managed ? "revoke" : "remove", callback, this.#destroy(sid));
  }

  /**
   * Extends a live session to its cookie's new expiry without rewriting it
   * (express-session's rolling sessions); skipped while that moves the stored
   * expiry by less than `touchAfterMs`.
   */
  override touch(sid: string, session: SessionData): Promise<void>;
  override touch(sid: string, session: SessionData, callback?: Callback): void;
  override touch(sid: string, session: SessionData, callback?: Callback): Promise<void> | undefined {
    return settle("touch", callback, this.#rollOn(sid, session));
  }

  /**
   * Every live session (express-session's optional `all`), each with its `id`,
   * fetched in batches. Fails rather than load more than `listLimit` sessions.
   */
  override all(): Promise<SessionData[]>;
  override all(callback: Callback<SessionData[]>): void;
  override all(callback?: Callback<SessionData[]>): Promise<SessionData[]> | undefined {
    return settle("entries", callback, this.#all());
  }

  /** How many live sessions the store holds (express-session's optional `length`). */
  override length(): Promise<number>;
  override length(callback: Callback<number>): void;
  override length(callback?: Callback<number>): Promise<number> | undefined {
    return settle("count", callback, this.#count());
  }

  /** Removes every session (express-session's optional `clear`); resolves how many live ones it removed. */
  override clear(): Promise<number>;
  override clear(callback: Callback<number>): void;
  override clear(callback?: Callback<number>): Promise<number> | undefined {
    return settle("clear", callback, this.#clear());
  }

  /** One cheap round trip to the store (a readiness probe's check); rejects with a `SessionStoreError`. */
  ping(): Promise<void> {
    return pingStore(this.#store, BACKEND);
  }

  /**
   * For startup (`await store.ready()` before `app.listen`): pings the store and
   * rejects with one line saying why it is not ready, so an app with a dead backend
   * fails to start instead of answering every request with a 500.
   */
  ready(): Promise<void> {
    return storeReady(this.#store, BACKEND);
  }

  /**
   * The live sessions of `owner` (as the owner option named it), with their data
   * and real expiry. Sessions that end or stop decoding meanwhile are left out, as
   * are ids the store lists in a form it cannot load (hashedIds' listed ids).
   */
  async sessionsOf(owner: string): Promise<UserSession[]> {
    const store = this.#require("sessionsOf");
    try {
      const listed = await store.sessionsOf(owner);
      const read = await Promise.all(listed.filter(({ id }) => !id.startsWith("\u0000")).map(({ id }) => this.#userSession(id)));
      return read.filter((session) => session !== undefined);
    } catch (error) {
      throw SessionStoreError.from(error, BACKEND, "sessionsOf", owner);
    }
  }

  /** Signs out every session of `owner` but `currentSid`; resolves how many it signed out. */
  async signOutOtherDevices(owner: string, currentSid: string): Promise<number> {
    return this.#removeSessionsOf(owner, currentSid);
  }

  /** Signs out every session of `owner`; resolves how many it signed out. */
  async signOutEverywhere(owner: string): Promise<number> {
    return this.#removeSessionsOf(owner, undefined);
  }

  async #removeSessionsOf(owner: string, except: string | undefined): Promise<number> {
    const store = this.#require("removeSessionsOf");
    try {
      return await store.removeSessionsOf(owner, except === undefined ? undefined : { except });
    } catch (error) {
      throw SessionStoreError.from(error, BACKEND, "removeSessionsOf", owner);
    }
  }

  async #get(sid: string): Promise<SessionData | null> {
    const entry = this.#managed ? await this.#managed.entry(sid) : await this.#loadOnly(sid);
    const session = entry && decodeSession(entry.data, this.#options.serializer);
    if (!entry || !session) {
      this.#recent.forget(sid);
      return null;
    }
    // Without the real expiry in the cookie, @fastify/session would read a touched session as expired: only a
    // managed store's sessions may be touched instead of saved.
    if (entry.expiresAt === undefined) return session as unknown as SessionData;
    // Taken before withStoredExpiry changes the cookie: the stored form is what the bytes hold.
    this.#recent.remember(sid, { expiresAt: entry.expiresAt, stored: storedForm(entry.data, session) });
    return withStoredExpiry(session, entry.expiresAt) as unknown as SessionData;
  }

  async #set(sid: string, session: SessionData): Promise<void> {
    const ttlMs = sessionTtl(session, this.#options.ttlMs);
    // An expired cookie keeps no data behind.
    if (ttlMs <= 0) return void (await this.#remove(sid));
    const stored = this.#recent.get(sid)?.stored;
    const plain = session as unknown as Record<string, unknown>;
    // Unchanged since get (@fastify/session saves every rolling request): move the expiry only.
    if (stored !== undefined && isUnchanged(stored, plain, this.#options.serializer)) return this.#touch(sid, ttlMs);
    const owner = this.#ownerOf(session);
    const data = this.#encode(session);
    const written = owner === undefined ? this.#store.store(sid, data, ttlMs) : this.#store.store(sid, data, ttlMs, { owner });
    const expiresAt = Date.now() + ttlMs;
    // false: the id was revoked (signed out) since it was loaded, and nothing was written.
    if ((await written) === false) this.#recent.forget(sid);
    // Only a session get has seen may be touched instead of stored; a fresh one (a login) is stored again.
    else this.#recent.remember(sid, { expiresAt, stored: stored && storedForm(data, plain) });
  }

  async #destroy(sid: string): Promise<void> {
    this.#recent.forget(sid);
    await (this.#managed ? this.#managed.revoke(sid) : this.#store.remove(sid));
  }

  /** touch: a rolling session's new expiry, or its end when the cookie has already expired. */
  async #rollOn(sid: string, session: SessionData): Promise<void> {
    const ttlMs = sessionTtl(session, this.#options.ttlMs);
    await (ttlMs > 0 ? this.#touch(sid, ttlMs) : this.#remove(sid));
  }

  async #all(): Promise<SessionData[]> {
    const { listLimit, serializer } = this.#options;
    const sessions: SessionData[] = [];
    let seen = 0;
    for await (const entry of this.#require("entries").entries({ batchSize: Math.min(LIST_BATCH_SIZE, listLimit + 1) })) {
      if (++seen > listLimit) {
        throw new RangeError(`all() lists at most listLimit (${listLimit}) sessions and the store holds more; use the store's entries()`);
      }
      const session = decodeSession(entry.data, serializer);
      if (session) sessions.push({ ...withStoredExpiry(session, entry.expiresAt), id: entry.id } as unknown as SessionData);
    }
    return sessions;
  }

  async #count(): Promise<number> {
    return this.#require("count").count();
  }

  async #clear(): Promise<number> {
    const removed = this.#require("clear").clear();
    this.#recent.clear();
    return removed;
  }

  async #userSession(id: string): Promise<UserSession | undefined> {
    const entry = await this.#require("entry").entry(id);
    const session = entry && decodeSession(entry.data, this.#options.serializer);
    if (!entry || !session) return undefined;
    return { id, expiresAt: entry.expiresAt, session: withStoredExpiry(session, entry.expiresAt) as unknown as SessionData };
  }

  /** `load` shaped like `entry`, for stores without management: the expiry is not known. */
  async #loadOnly(sid: string): Promise<{ data: Uint8Array; expiresAt?: number } | undefined> {
    const data = await this.#store.load(sid);
    return data && { data };
  }

  async #touch(sid: string, ttlMs: number): Promise<void> {
    const expiresAt = Date.now() + ttlMs;
    const stored = this.#recent.get(sid)?.expiresAt;
    const { touchAfterMs } = this.#options;
    if (touchAfterMs > 0 && stored !== undefined && expiresAt - stored < touchAfterMs) return;
    // false: gone (expired, removed or revoked); a touch never revives it.
    if (await this.#store.touch(sid, ttlMs)) this.#recent.touched(sid, expiresAt);
    else this.#recent.forget(sid);
  }

  #remove(sid: string): Promise<boolean> {
    this.#recent.forget(sid);
    return this.#store.remove(sid);
  }

  /** The owner option's answer for `session`, checked like any owner. */
  #ownerOf(session: SessionData): string | undefined {
    const owner = this.#options.owner?.(session);
    return owner === undefined ? undefined : checkOwner(owner);
  }

  #require(operation: Operation): ManagedSessionStore {
    if (this.#managed) return this.#managed;
    throw new SessionStoreError(`${operation} needs a store with session management, and this store has none (isManaged(store) is false)`, {
      backend: BACKEND,
      operation,
    });
  }

  #encode(session: SessionData): Uint8Array {
    try {
      return encodeSession(session, this.#options.serializer);
    } catch (cause) {
      // The cause stays out of the message: a serializer's error may quote session data.
      throw new SessionStoreError("store failed: the serializer could not encode the session", {
        backend: BACKEND,
        operation: "store",
        cause,
      });
    }
  }
}
