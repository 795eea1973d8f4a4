import type { ManagedSessionStore, Operation, SessionStore } from "@session-store/core";
import { isManaged, SessionStoreError } from "@session-store/core";
import { checkOwner, decodeSession, encodeSession, pingStore, storeReady } from "@session-store/core/adapter";
import type { CheckedOptions, KoaSession, KoaSessionStoreOptions } from "./options.js";
import { checkOptions } from "./options.js";

const BACKEND = "koa";

/** What koa-session passes along with get/set/destroy. */
interface CallOptions {
  readonly ctx?: object;
  readonly rolling?: boolean;
  readonly changed?: boolean;
}

/**
 * Any `SessionStore` as koa-session's external `store`. Sessions are stored as JSON
 * bytes until their cookie expires (koa-session's `_expire`). A rolling request that
 * changed nothing only touches the session; destroy revokes it over a managed store
 * (`isManaged`), so a request still holding it cannot save it back, else removes it.
 * Failures reject as `SessionStoreError`s, which Koa answers with a 500.
 *
 * The wrapped store belongs to the caller, who closes it.
 */
export class KoaSessionStore {
  readonly #store: SessionStore;
  readonly #managed: ManagedSessionStore | undefined;
  readonly #options: CheckedOptions;
  /** The session key each request loaded, so saving it unchanged can be a touch. */
  readonly #loaded = new WeakMap<object, string>();

  constructor(store: SessionStore, options?: KoaSessionStoreOptions) {
    if (typeof store?.load !== "function") throw new TypeError("KoaSessionStore needs a SessionStore");
    this.#store = store;
    this.#managed = isManaged(store) ? store : undefined;
    this.#options = checkOptions(options);
    if (this.#options.owner && !this.#managed) {
      throw new TypeError("the owner option needs a store with session management (isManaged(store) is false)");
    }
  }

  get(key: string, _maxAge?: unknown, { ctx }: CallOptions = {}): Promise<KoaSession | undefined> {
    return run("load", key, async () => {
      const entry = this.#managed ? await this.#managed.entry(key) : await this.#loadOnly(key);
      const session = entry && decodeSession(entry.data);
      if (!entry || !session) return undefined;
      if (ctx) this.#loaded.set(ctx, key);
      // koa-session checks `_expire`; after a touch the stored bytes still hold the previous one.
      if (entry.expiresAt !== undefined && typeof session._expire === "number") session._expire = entry.expiresAt;
      return session;
    });
  }

  set(key: string, session: KoaSession, maxAge?: unknown, { ctx, changed }: CallOptions = {}): Promise<void> {
    return run("store", key, async () => {
      const ttlMs = this.#ttlOf(session, maxAge);
      // An expired cookie keeps no data behind.
      if (ttlMs <= 0) return void (await this.#store.remove(key));
      // Only a managed store's expiry can be read back into `_expire`; without it a touched session would look expired.
      const unchanged = changed === false && ctx !== undefined && this.#loaded.get(ctx) === key;
      if (unchanged && this.#managed) return void (await this.#store.touch(key, ttlMs));
      const owner = this.#ownerOf(session);
      const data = encodeSession(session);
      await (owner === undefined ? this.#store.store(key, data, ttlMs) : this.#store.store(key, data, ttlMs, { owner }));
    });
  }

  destroy(key: string, { ctx }: CallOptions = {}): Promise<void> {
    const operation: Operation = this.#managed ? "revoke" : "remove";
    return run(operation, key, async () => {
      if (ctx) this.#loaded.delete(ctx);
      await (this.#managed ? this.#managed.revoke(key) : this.#store.remove(key));
    });
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

  /** Until the cookie expires: koa-session's `_expire`, else its `maxAge`, else `ttlMs` (browser-session cookies). */
  #ttlOf(session: KoaSession, maxAge: unknown): number {
    if (typeof session._expire === "number") return session._expire - Date.now();
    return typeof maxAge === "number" ? maxAge : this.#options.ttlMs;
  }

  async #loadOnly(key: string): Promise<{ data: Uint8Array; expiresAt?: number } | undefined> {
    const data = await this.#store.load(key);
    return data && { data };
  }

  #ownerOf(session: KoaSession): string | undefined {
    const owner = this.#options.owner?.(session);
    return owner === undefined ? undefined : checkOwner(owner);
  }
}

async function run<T>(operation: Operation, key: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw SessionStoreError.from(error, BACKEND, operation, key);
  }
}
