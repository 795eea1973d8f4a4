import { createCipheriv, createDecipheriv, createHash, createSecretKey, randomBytes } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { checkArguments, checkStoreOptions } from "../adapter/check-arguments.js";
import { checkOptionsObject } from "../adapter/check-options.js";
import type { ListedEntry, ManagedSessionStore, SessionEntry, SessionManagement, SessionStore } from "../session-store.js";
import { passThrough } from "./pass-through.js";
import type { DecoratedStore } from "./pass-through.js";

/** Why a stored entry could not be decrypted; it then loads as `undefined`. */
export type UndecryptableReason =
  /** Too short, or written by an unknown format version: not something `encrypted` wrote. */
  | "format"
  /** Written with a key that is no longer in `keys`. */
  | "unknown-key"
  /** The key matched but the data, its header or its id binding was altered. */
  | "authentication";

/** The keys `encrypted` uses. */
export interface EncryptedOptions {
  /**
   * AES-256 keys, 32 random bytes each. The first encrypts every write; any of them
   * decrypts. To rotate, put the new key first and keep the old ones until the
   * longest TTL has passed.
   */
  readonly keys: readonly Uint8Array[];
  /** Called when a stored entry loads as `undefined` because it cannot be decrypted; never given any bytes. */
  readonly onUndecryptable?: (reason: UndecryptableReason) => void;
}

/** Length of an AES-256 key in bytes. */
export const KEY_BYTES = 32;

// Layout of a stored entry: version (1) | key id (4) | IV (12) | ciphertext | GCM tag (16).
const VERSION = 1;
const KEY_ID_BYTES = 4;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const BOUND_HEADER_BYTES = 1 + KEY_ID_BYTES;
const HEADER_BYTES = BOUND_HEADER_BYTES + IV_BYTES;

/** Bytes each stored entry grows by: lower a backend's data limit by this much when it is wrapped. */
export const ENCRYPTION_OVERHEAD_BYTES = HEADER_BYTES + TAG_BYTES;
const KEY_ID_LABEL = "session-store/encrypted key id\0";

interface Key {
  readonly id: Buffer;
  readonly secret: KeyObject;
}

/**
 * Wraps a store so that its backend only ever holds AES-256-GCM ciphertext: each
 * write gets a random 96-bit IV, a small versioned header names the key that wrote
 * it, and the session id is bound in as additional data, so an entry copied under
 * another id does not decrypt. An entry that is tampered with, truncated, or written
 * with a key no longer given loads as `undefined`; it never throws and never returns
 * garbage. `touch` and `remove` agree with `load`: on an undecryptable entry both
 * resolve `false`; `touch` leaves it to expire, `remove` deletes it. So each of them
 * reads (and decrypts) the entry first: one more backend round trip. Each entry grows
 * by 33 bytes.
 *
 * Over a managed store, `entry` and `entries` decrypt (an undecryptable entry is
 * absent, as for `load`); owners stay plain, and the other management calls pass
 * through, seeing each entry as the backend holds it.
 */
export function encrypted<S extends SessionStore>(store: S, options: EncryptedOptions): DecoratedStore<S> {
  checkOptionsObject(options, "encrypted");
  const keys = checkKeys(options.keys);
  const writer = keys[0] as Key; // checkKeys refuses an empty list
  const onUndecryptable = options.onUndecryptable;
  const opened = (id: string, sealed: Uint8Array): Uint8Array | undefined => {
    const plain = open(keys, id, sealed);
    if (typeof plain === "string") {
      onUndecryptable?.(plain);
      return undefined;
    }
    return plain;
  };
  const loadOpened = async (id: string): Promise<Uint8Array | undefined> => {
    const sealed = await store.load(id);
    return sealed === undefined ? undefined : opened(id, sealed);
  };
  /** The entry with its data decrypted, the rest as read; `undefined` when it does not decrypt. */
  const openedEntry = <E extends SessionEntry>(id: string, entry: E): E | undefined => {
    const data = opened(id, entry.data);
    return data === undefined ? undefined : { ...entry, data };
  };
  const management = (inner: ManagedSessionStore): Partial<SessionManagement> => ({
    async entry(id) {
      checkArguments({ id });
      const entry = await inner.entry(id);
      return entry === undefined ? undefined : openedEntry(id, entry);
    },
    entries(options) {
      return decryptedEntries(() => inner.entries(options), openedEntry);
    },
  });
  return passThrough(
    store,
    {
      async load(id) {
        checkArguments({ id });
        return loadOpened(id);
      },
      async store(id, data, ttlMs, storeOptions) {
        checkArguments({ id, data, ttlMs });
        checkStoreOptions(storeOptions);
        return store.store(id, seal(writer, id, data), ttlMs, storeOptions);
      },
      // remove and touch answer as `load` would: an entry that loads as absent is absent.
      async remove(id) {
        checkArguments({ id });
        const readable = (await loadOpened(id)) !== undefined;
        // An undecryptable entry is deleted all the same: nothing can ever read it again.
        const removed = await store.remove(id);
        return readable && removed;
      },
      async touch(id, ttlMs) {
        checkArguments({ id, ttlMs });
        // An undecryptable entry is left as it is, to expire at its old time.
        if ((await loadOpened(id)) === undefined) return false;
        return store.touch(id, ttlMs);
      },
    },
    management,
  );
}

/** Marks an id in a listing that is not the session id itself (`hashedIds` gives these). */
const LISTED = "\u0000";

/**
 * The wrapped store's listing, decrypted one entry at a time; undecryptable entries
 * are skipped. It opens the listing on the first `next()`, where bad options must reject.
 */
async function* decryptedEntries(
  open: () => AsyncIterable<ListedEntry>,
  openedEntry: (id: string, entry: ListedEntry) => ListedEntry | undefined,
): AsyncIterable<ListedEntry> {
  for await (const entry of open()) {
    if (entry.id.startsWith(LISTED)) {
      // Each entry is bound to the session id it was written under, which a listed id
      // (a hash of it) no longer tells: skipping would silently list nothing.
      throw new Error(
        "encrypted cannot list the sessions of a store that hides their ids: wrap it the other way round, hashedIds(encrypted(store))",
      );
    }
    const opened = openedEntry(entry.id, entry);
    if (opened !== undefined) yield opened;
  }
}

function checkKeys(keys: unknown): Key[] {
  if (!Array.isArray(keys)) throw new TypeError("keys must be an array of 32-byte Uint8Arrays");
  if (keys.length === 0) throw new RangeError("keys must hold at least one key");
  return keys.map((key: unknown, index) => {
    if (!(key instanceof Uint8Array)) throw new TypeError(`keys[${index}] must be a Uint8Array`);
    if (key.length !== KEY_BYTES) {
      throw new RangeError(`keys[${index}] must be ${KEY_BYTES} bytes, got ${key.length}`);
    }
    // The key id is a hash of the key, not the key, and too short to say anything about it.
    const id = createHash("sha256").update(KEY_ID_LABEL).update(key).digest().subarray(0, KEY_ID_BYTES);
    // A KeyObject holds its own copy: changing the caller's array later changes nothing.
    return { id, secret: createSecretKey(Buffer.from(key)) };
  });
}

function seal(key: Key, id: string, data: Uint8Array): Uint8Array {
  const iv = randomBytes(IV_BYTES);
  const sealed = new Uint8Array(HEADER_BYTES + data.length + TAG_BYTES);
  sealed[0] = VERSION;
  sealed.set(key.id, 1);
  sealed.set(iv, BOUND_HEADER_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key.secret, iv);
  cipher.setAAD(additionalData(sealed, id));
  const body = cipher.update(data);
  const rest = cipher.final(); // empty for GCM, kept for correctness
  sealed.set(body, HEADER_BYTES);
  sealed.set(rest, HEADER_BYTES + body.length);
  sealed.set(cipher.getAuthTag(), HEADER_BYTES + data.length);
  return sealed;
}

function open(keys: readonly Key[], id: string, sealed: Uint8Array): Uint8Array | UndecryptableReason {
  if (sealed.length < HEADER_BYTES + TAG_BYTES || sealed[0] !== VERSION) return "format";
  const keyId = sealed.subarray(1, BOUND_HEADER_BYTES);
  const candidates = keys.filter((key) => key.id.equals(keyId));
  if (candidates.length === 0) return "unknown-key";
  const iv = sealed.subarray(BOUND_HEADER_BYTES, HEADER_BYTES);
  const body = sealed.subarray(HEADER_BYTES, sealed.length - TAG_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  // Two keys share a 4-byte id about once in four billion pairs; then each is tried.
  for (const key of candidates) {
    const plain = decrypt(key, iv, additionalData(sealed, id), body, tag);
    if (plain) return plain;
  }
  return "authentication";
}

function decrypt(key: Key, iv: Uint8Array, aad: Uint8Array, body: Uint8Array, tag: Uint8Array): Uint8Array | undefined {
  const decipher = createDecipheriv("aes-256-gcm", key.secret, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  const head = decipher.update(body);
  try {
    // Only final() checks the tag; until it passes, `head` is unauthenticated and is dropped.
    const rest = decipher.final();
    // A fresh array of its own, never a view into Node's shared Buffer pool.
    const plain = new Uint8Array(head.length + rest.length);
    plain.set(head);
    plain.set(rest, head.length);
    return plain;
  } catch {
    head.fill(0);
    return undefined;
  }
}

/** The header's version and key id, then the session id: what the GCM tag binds besides the data. */
function additionalData(sealed: Uint8Array, id: string): Uint8Array {
  return Buffer.concat([sealed.subarray(0, BOUND_HEADER_BYTES), Buffer.from(id, "utf8")]);
}
