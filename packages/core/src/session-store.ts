/**
 * The contract every backend keeps (see CONTRACT.md): opaque bytes under an id,
 * with an expiry counted in milliseconds.
 */
export interface SessionStore {
  /** The bytes last stored under `id` if they have not expired, else `undefined`. */
  load(id: string): Promise<Uint8Array | undefined>;
  /** Inserts or replaces the data and its expiry (now + `ttlMs`) together, atomically. */
  store(id: string, data: Uint8Array, ttlMs: number): Promise<void>;
  /** Deletes the session; resolves `true` only if a live (unexpired) one existed. */
  remove(id: string): Promise<boolean>;
  /** Moves a live session's expiry to now + `ttlMs`; `false`, changing nothing, if absent or expired. */
  touch(id: string, ttlMs: number): Promise<boolean>;
  /** Deletes expired entries the backend does not drop by itself; resolves how many. Absent on native-expiry backends. */
  sweep?(): Promise<number>;
  /** Releases what the store itself opened. Idempotent; operations after it reject. */
  close?(): Promise<void>;
}

/** A store whose backend needs `sweep()` to delete expired entries. */
export interface SweepableStore extends SessionStore {
  sweep(): Promise<number>;
}

/** The operations named in errors. */
export type Operation = "load" | "store" | "remove" | "touch" | "sweep" | "close" | "connect" | "setup";
