import type { Operation, SessionStore } from "@session-store/core";
import { SessionStoreError } from "@session-store/core";
import type { SessionData } from "express-session";
import type { CheckedOptions, ExpressSessionStoreOptions } from "./options.js";
import { checkOptions } from "./options.js";
import { decodeSession, encodeSession } from "./serializer.js";
import { storeBase } from "./store-base.js";
import { sessionTtl } from "./ttl.js";

const BACKEND = "express";

type Callback<T = void> = (error: unknown, value?: T) => void;

/**
 * Any `SessionStore` as an express-session store, which @fastify/session accepts
 * too. Sessions are stored as serialized bytes for as long as their cookie lives.
 * Errors reach the framework through the callback as `SessionStoreError`s; nothing
 * throws. A stored entry that does not decode reads as no session, so the user
 * gets a fresh one instead of an error on every request until it expires.
 *
 * Every method calls the store before it returns (nothing is awaited first), so
 * calls on one id reach the store in the order they were made, awaited or not.
 *
 * The wrapped store belongs to the caller, who closes it.
 */
export class ExpressSessionStore extends storeBase() {
  readonly #store: SessionStore;
  readonly #options: CheckedOptions;

  constructor(store: SessionStore, options?: ExpressSessionStoreOptions) {
    super();
    if (typeof store?.load !== "function") throw new TypeError("ExpressSessionStore needs a SessionStore");
    this.#store = store;
    this.#options = checkOptions(options);
  }

  override get(sid: string, callback: Callback<SessionData | null>): void {
    settle("load", callback, async () => {
      const bytes = await this.#store.load(sid);
      if (bytes === undefined) return null;
      return (decodeSession(this.#options.serializer, bytes) as SessionData | undefined) ?? null;
    });
  }

  override set(sid: string, session: SessionData, callback?: Callback): void {
    settle("store", callback, async () => {
      const ttlMs = sessionTtl(session, this.#options.ttlMs);
      // An expired cookie keeps no data behind.
      await (ttlMs > 0 ? this.#store.store(sid, this.#encode(session), ttlMs) : this.#store.remove(sid));
    });
  }

  override destroy(sid: string, callback?: Callback): void {
    settle("remove", callback, async () => {
      await this.#store.remove(sid);
    });
  }

  /** Extends a live session to its cookie's new expiry without rewriting it (express-session's rolling sessions). */
  override touch(sid: string, session: SessionData, callback?: Callback): void {
    settle("touch", callback, async () => {
      const ttlMs = sessionTtl(session, this.#options.ttlMs);
      await (ttlMs > 0 ? this.#store.touch(sid, ttlMs) : this.#store.remove(sid));
    });
  }

  #encode(session: SessionData): Uint8Array {
    try {
      return encodeSession(this.#options.serializer, session);
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

/**
 * Runs `work` and reports to the framework's callback on a later tick, so that a
 * callback which throws surfaces as the framework's own error, never as a
 * rejection of ours.
 */
function settle<T>(operation: Operation, callback: Callback<T> | undefined, work: () => Promise<T>): void {
  work().then(
    (value) => callback && process.nextTick(callback, null, value),
    (error: unknown) => callback && process.nextTick(callback, SessionStoreError.from(error, BACKEND, operation)),
  );
}
