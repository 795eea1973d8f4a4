import { createHmac, createSecretKey } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { checkArguments, checkIdentifierArgument, checkOwner, checkStoreOptions } from "../adapter/check-arguments.js";
import { checkOptionsObject } from "../adapter/check-options.js";
import type { ListedEntry, ManagedSessionStore, SessionManagement, SessionStore } from "../session-store.js";
import { passThrough } from "./pass-through.js";
import type { DecoratedStore } from "./pass-through.js";

/** Shortest secret accepted, in bytes: 128 bits, so the hashed ids cannot be guessed back. */
export const MIN_SECRET_BYTES = 16;

/** How `hashedIds` turns an id into the key the backend sees. */
export interface HashedIdsOptions {
  /** The HMAC key, at least 16 bytes (a string counts its UTF-8 bytes). Keep it out of the database. */
  readonly secret: string | Uint8Array;
  /** How the 32-byte HMAC is written as the backend's id: "hex" (64 characters, default) or "base64url" (43). */
  readonly encoding?: "hex" | "base64url";
}

/**
 * Returns the function `hashedIds` uses to map a session id to the backend's key:
 * HMAC-SHA-256 of the id's UTF-8 bytes. Operators use it to find one session in a
 * database dump; the conformance suite's `inspect` hook uses it to read the raw entry.
 */
export function createIdHasher(options: HashedIdsOptions): (id: string) => string {
  checkOptionsObject(options, "hashedIds");
  const key = secretKey(options.secret);
  const encoding = checkEncoding(options.encoding);
  return (id) => createHmac("sha256", key).update(id, "utf8").digest(encoding);
}

/** Marks an id in a listing as the backend's hashed key, not a session id: no session id holds a NUL. */
const LISTED = "\u0000";

/** What a hashed key looks like in each encoding: a listed id must be one. */
const HASHED_KEY: Record<Encoding, RegExp> = {
  hex: /^[0-9a-f]{64}$/,
  base64url: /^[A-Za-z0-9_-]{43}$/,
};

/**
 * Wraps a store so that its backend only ever sees HMAC-SHA-256 of each session id:
 * a database dump, a slow-query log or Redis `MONITOR` shows no id an attacker could
 * replay as a cookie. Arguments are checked on the original id first, so an invalid
 * id is refused exactly as the wrapped store would refuse it.
 *
 * Changing the secret orphans every stored session (they expire normally).
 *
 * Over a managed store, owners are kept as given, and listings (`sessionsOf`,
 * `entries`) cannot give back ids the backend never saw: they yield `"\u0000"` + the
 * hashed key instead. `revoke` and `removeSessionsOf`'s `except` accept such a listed
 * id as well as a session id; every other operation refuses it (a NUL), so a listed
 * id can end a session but never open one.
 */
export function hashedIds<S extends SessionStore>(store: S, options: HashedIdsOptions): DecoratedStore<S> {
  const hash = createIdHasher(options);
  const hashedKey = HASHED_KEY[checkEncoding(options.encoding)];
  /** The backend's key for a session id, or for an id a listing gave out. */
  const keyOf = (id: unknown, what: string): string => {
    if (typeof id === "string" && id.startsWith(LISTED)) {
      const key = id.slice(LISTED.length);
      if (!hashedKey.test(key)) throw new RangeError(`${what} must not contain a NUL character`);
      return key;
    }
    checkIdentifierArgument(id, what);
    return hash(id as string);
  };
  const management = (inner: ManagedSessionStore): Partial<SessionManagement> => ({
    async entry(id) {
      checkArguments({ id });
      return inner.entry(hash(id));
    },
    async sessionsOf(owner) {
      checkOwner(owner);
      const sessions = await inner.sessionsOf(owner);
      return sessions.map(({ id, expiresAt }) => ({ id: LISTED + id, expiresAt }));
    },
    async removeSessionsOf(owner, options) {
      checkOwner(owner);
      if (options === undefined) return inner.removeSessionsOf(owner);
      if (typeof options !== "object" || options === null) throw new TypeError("removeSessionsOf options must be an object");
      const { except } = options;
      return inner.removeSessionsOf(owner, except === undefined ? {} : { except: keyOf(except, "except") });
    },
    async revoke(id) {
      return inner.revoke(keyOf(id, "session id"));
    },
    entries(options) {
      return listed(() => inner.entries(options));
    },
  });
  return passThrough(
    store,
    {
      async load(id) {
        checkArguments({ id });
        return store.load(hash(id));
      },
      async store(id, data, ttlMs, storeOptions) {
        checkArguments({ id, data, ttlMs });
        checkStoreOptions(storeOptions);
        return store.store(hash(id), data, ttlMs, storeOptions);
      },
      async remove(id) {
        checkArguments({ id });
        return store.remove(hash(id));
      },
      async touch(id, ttlMs) {
        checkArguments({ id, ttlMs });
        return store.touch(hash(id), ttlMs);
      },
    },
    management,
  );
}

/**
 * The wrapped store's listing, one entry at a time, with each id marked as a listed
 * one. It opens the listing on the first `next()`, where bad options must reject.
 */
async function* listed(open: () => AsyncIterable<ListedEntry>): AsyncIterable<ListedEntry> {
  for await (const entry of open()) yield { ...entry, id: LISTED + entry.id };
}

type Encoding = NonNullable<HashedIdsOptions["encoding"]>;

function checkEncoding(encoding: unknown): Encoding {
  if (encoding === undefined) return "hex";
  if (encoding !== "hex" && encoding !== "base64url") {
    throw new RangeError(`encoding must be "hex" or "base64url", got ${JSON.stringify(String(encoding))}`);
  }
  return encoding;
}

function secretKey(secret: unknown): KeyObject {
  let bytes: Buffer;
  if (typeof secret === "string") bytes = Buffer.from(secret, "utf8");
  else if (secret instanceof Uint8Array) bytes = Buffer.from(secret);
  else throw new TypeError("secret must be a string or a Uint8Array");
  if (bytes.length < MIN_SECRET_BYTES) {
    throw new RangeError(`secret must be at least ${MIN_SECRET_BYTES} bytes, got ${bytes.length}`);
  }
  // A KeyObject holds its own copy: changing the caller's array later changes nothing.
  return createSecretKey(bytes);
}
