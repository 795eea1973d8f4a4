/**
 * The contract every backend keeps (see CONTRACT.md): opaque bytes under an id,
 * with an expiry counted in milliseconds.
 */
export interface SessionStore {
  /** The bytes last stored under `id` if they have not expired, else `undefined`. */
  load(id: string): Promise<Uint8Array | undefined>;
  /**
   * Inserts or replaces the data, its expiry (now + `ttlMs`) and its owner together,
   * atomically; resolves `true` when it wrote, `false` when the id is revoked.
   */
  store(id: string, data: Uint8Array, ttlMs: number, options?: StoreOptions): Promise<boolean>;
  /** Deletes the session; resolves `true` only if a live (unexpired) one existed. */
  remove(id: string): Promise<boolean>;
  /** Moves a live session's expiry to now + `ttlMs`; `false`, changing nothing, if absent or expired. */
  touch(id: string, ttlMs: number): Promise<boolean>;
  /** Deletes expired entries the backend does not drop by itself; resolves how many. Absent on native-expiry backends. */
  sweep?(): Promise<number>;
  /** Releases what the store itself opened. Idempotent; operations after it reject. */
  close?(): Promise<void>;
  /**
   * One cheap round trip to the backend, within the store's deadline; rejects with a
   * `SessionStoreError` when the backend is unreachable or the store is closed. Optional
   * so third-party adapters need not have it; every store of this project has it.
   */
  ping?(): Promise<void>;
}

/** A store whose backend needs `sweep()` to delete expired entries. */
export interface SweepableStore extends SessionStore {
  sweep(): Promise<number>;
}

/** `store`'s options. */
export interface StoreOptions {
  /** Files the session under this owner (a user id; the rules of a session id). None: the session has no owner. */
  readonly owner?: string;
}

/** A live session as `entry` reads it. */
export interface SessionEntry {
  readonly data: Uint8Array;
  /** When the session expires, in epoch ms by the backend's clock. */
  readonly expiresAt: number;
  /** The owner it was stored under, if any. */
  readonly owner?: string;
}

/** One live session of an owner, as `sessionsOf` lists it. */
export interface OwnedSession {
  readonly id: string;
  readonly expiresAt: number;
}

/** One live session of the namespace, as `entries` yields it. */
export interface ListedEntry extends SessionEntry {
  readonly id: string;
}

/** `removeSessionsOf`'s options. */
export interface RemoveSessionsOfOptions {
  /** A session id to keep ("sign out other devices"). */
  readonly except?: string;
}

/** `entries`' options. */
export interface EntriesOptions {
  /** How many sessions one round trip fetches (1 to MAX_ENTRIES_BATCH_SIZE). */
  readonly batchSize?: number;
}

/**
 * Session management (CONTRACT.md, "Session management"): every store of this
 * project has it; third-party adapters may go without.
 */
export interface SessionManagement {
  /** `load` plus the expiry and owner, in one round trip. */
  entry(id: string): Promise<SessionEntry | undefined>;
  /** The owner's live sessions. Costs O(sessions of that owner), never a scan. */
  sessionsOf(owner: string): Promise<OwnedSession[]>;
  /** Revokes every session of the owner (all but `except`); resolves how many live ones it removed. */
  removeSessionsOf(owner: string, options?: RemoveSessionsOfOptions): Promise<number>;
  /**
   * Removes the session and keeps the id dead until it would have expired (at least
   * the store's revocation grace): `store` writes nothing and resolves `false`, `touch`
   * is `false`, `load` and `entry` are `undefined`. Resolves `true` if a live session existed.
   */
  revoke(id: string): Promise<boolean>;
  /** Every live session of the namespace, fetched `batchSize` at a time (bounded memory). */
  entries(options?: EntriesOptions): AsyncIterable<ListedEntry>;
  /** How many live sessions the namespace holds. */
  count(): Promise<number>;
  /** Removes every session of the namespace (revocations stay); resolves how many live ones it removed. */
  clear(): Promise<number>;
}

/** A store with session management. */
export interface ManagedSessionStore extends SessionStore, SessionManagement {}

/** The operations named in errors. */
export type Operation =
  | "load"
  | "store"
  | "remove"
  | "touch"
  | "sweep"
  | "close"
  | "connect"
  | "setup"
  | "ping"
  | "entry"
  | "sessionsOf"
  | "removeSessionsOf"
  | "revoke"
  | "entries"
  | "count"
  | "clear";

const MANAGEMENT_METHODS = ["entry", "sessionsOf", "removeSessionsOf", "revoke", "entries", "count", "clear"] as const;

/** Whether `store` has every method of session management. */
export function isManaged(store: SessionStore): store is ManagedSessionStore {
  return MANAGEMENT_METHODS.every((method) => typeof (store as unknown as Record<string, unknown>)[method] === "function");
}
