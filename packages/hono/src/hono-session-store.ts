import type { ManagedSessionStore, Operation, SessionStore } from "@session-store/core";
import { isManaged, SessionStoreError } from "@session-store/core";
import { checkOwner, decodeSession, encodeSession, pingStore, storeReady } from "@session-store/core/adapter";
import type { SessionData, Store } from "hono-sessions";
import type { CheckedOptions, HonoSessionStoreOptions, SessionValues } from "./options.js";
import { checkOptions } from "./options.js";

const BACKEND = "hono";

/**
 * Any `SessionStore` as a store of hono-sessions' `sessionMiddleware`. Sessions are
 * stored as JSON bytes until they expire (the middleware's `_expire`, from
 * `expireAfterSeconds`). A request that changed nothing but the expiry and access
 * time only touches the session; deleting revokes it over a managed store
 * (`isManaged`), so a request still holding it cannot save it back, else removes it.
 * A new session with no values is not stored. Failures reject as
 * `SessionStoreError`s, which Hono answers with a 500.
 *
 * The wrapped store belongs to the caller, who closes it.
 */
export class HonoSessionStore implements Store {
  readonly #store: SessionStore;
  readonly #managed: ManagedSessionStore | undefined;
  readonly #options: CheckedOptions;
  /**
   * Where each loaded session came from and what it held, keyed by the object the
   * middleware gets and later saves (it keeps that one object for the whole request).
   */
  readonly #loaded = new WeakMap<SessionData, { readonly sid: string; readonly content: string }>();

  constructor(store: SessionStore, options?: HonoSessionStoreOptions) {
    if (typeof store?.load !== "function") throw new TypeError("HonoSessionStore needs a SessionStore");
    this.#store = store;
    this.#managed = isManaged(store) ? store : undefined;
    this.#options = checkOptions(options);
    if (this.#options.owner && !this.#managed) {
      throw new TypeError("the owner option needs a store with session management (isManaged(store) is false)");
    }
  }

  getSessionById(sid?: string): Promise<SessionData | undefined> {
    if (sid === undefined) return Promise.resolve(undefined);
    return run("load", sid, async () => {
      const entry = this.#managed ? await this.#managed.entry(sid) : await this.#loadOnly(sid);
      const session = entry && (decodeSession(entry.data) as SessionData | undefined);
      if (!entry || !session || typeof session._data !== "object" || session._data === null) return undefined;
      // The middleware checks `_expire`; after a touch the stored bytes still hold the previous one.
      if (entry.expiresAt !== undefined && session._expire !== null) session._expire = new Date(entry.expiresAt).toISOString();
      this.#loaded.set(session, { sid, content: contentOf(session) });
      return session;
    });
  }

  createSession(sid: string, initialData: SessionData): Promise<void> {
    return this.persistSessionData(sid, initialData);
  }

  persistSessionData(sid: string, sessionData: SessionData): Promise<void> {
    return run("store", sid, async () => {
      const loaded = this.#loaded.get(sessionData);
      const content = contentOf(sessionData);
      // A visitor's fresh, empty session: nothing worth a write.
      if (loaded === undefined && Object.keys(sessionData._data).length === 0) return;
      const ttlMs = this.#ttlOf(sessionData);
      if (ttlMs <= 0) return void (await this.#store.remove(sid));
      // Only a managed store's expiry can be read back into `_expire`; without it a touched session would look expired.
      if (loaded?.sid === sid && loaded.content === content && this.#managed) return void (await this.#store.touch(sid, ttlMs));
      const owner = this.#ownerOf(sessionData);
      const data = encodeSession(sessionData);
      await (owner === undefined ? this.#store.store(sid, data, ttlMs) : this.#store.store(sid, data, ttlMs, { owner }));
      this.#loaded.set(sessionData, { sid, content });
    });
  }

  deleteSession(sid: string): Promise<void> {
    const operation: Operation = this.#managed ? "revoke" : "remove";
    return run(operation, sid, async () => void (await (this.#managed ? this.#managed.revoke(sid) : this.#store.remove(sid))));
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

  /** Until `_expire`, or `ttlMs` for a session without one. */
  #ttlOf(session: SessionData): number {
    return session._expire === null ? this.#options.ttlMs : Date.parse(session._expire) - Date.now();
  }

  async #loadOnly(sid: string): Promise<{ data: Uint8Array; expiresAt?: number } | undefined> {
    const data = await this.#store.load(sid);
    return data && { data };
  }

  #ownerOf(session: SessionData): string | undefined {
    if (!this.#options.owner) return undefined;
    const values: SessionValues = Object.fromEntries(Object.entries(session._data).map(([key, entry]) => [key, entry.value]));
    const owner = this.#options.owner(values);
    return owner === undefined ? undefined : checkOwner(owner);
  }
}

/** What a save must write: everything but the expiry and access time a rolling request moves (and the id). */
function contentOf({ _expire: _e, _accessed: _a, _id: _i, ...content }: SessionData): string {
  return JSON.stringify(content);
}

async function run<T>(operation: Operation, sid: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw SessionStoreError.from(error, BACKEND, operation, sid);
  }
}
