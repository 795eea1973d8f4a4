import { createHmac, createSecretKey } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { checkArguments } from "../adapter/check-arguments.js";
import { checkOptionsObject } from "../adapter/check-options.js";
import type { SessionStore } from "../session-store.js";
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
  const encoding = options.encoding ?? "hex";
  if (encoding !== "hex" && encoding !== "base64url") {
    throw new RangeError(`encoding must be "hex" or "base64url", got ${JSON.stringify(String(encoding))}`);
  }
  return (id) => createHmac("sha256", key).update(id, "utf8").digest(encoding);
}

/**
 * Wraps a store so that its backend only ever sees HMAC-SHA-256 of each session id:
 * a database dump, a slow-query log or Redis `MONITOR` shows no id an attacker could
 * replay as a cookie. Arguments are checked on the original id first, so an invalid
 * id is refused exactly as the wrapped store would refuse it.
 *
 * Changing the secret orphans every stored session (they expire normally).
 */
export function hashedIds<S extends SessionStore>(store: S, options: HashedIdsOptions): DecoratedStore<S> {
  const hash = createIdHasher(options);
  return passThrough(store, {
    async load(id) {
      checkArguments({ id });
      return store.load(hash(id));
    },
    async store(id, data, ttlMs) {
      checkArguments({ id, data, ttlMs });
      return store.store(hash(id), data, ttlMs);
    },
    async remove(id) {
      checkArguments({ id });
      return store.remove(hash(id));
    },
    async touch(id, ttlMs) {
      checkArguments({ id, ttlMs });
      return store.touch(hash(id), ttlMs);
    },
  });
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
