import type { ManagedSessionStore, SessionStore } from "@session-store/core";

/** What a backend can do, so the suite runs the checks that apply to it. */
export interface StoreCapabilities {
  /** "native": the backend drops expired entries itself and the store has no `sweep`; "sweep": `sweep()` deletes them. */
  readonly expiry: "native" | "sweep";
  /** Two stores created over the same namespace see the same data (a shared table or key prefix). Default false. */
  readonly sharedNamespace?: boolean;
  /** How late, in ms, the backend may expire an entry (never early). Default 25. */
  readonly expirySlackMs?: number;
  /** The backend's hard limit on one entry's data, in bytes, if it has one (MongoDB: 16 MiB document). */
  readonly maxDataBytes?: number;
  /**
   * The store has session management (entry, sessionsOf, removeSessionsOf, revoke,
   * entries, count, clear; `store` with an owner). Default true: every store of this
   * project has it; false skips those checks (a third-party store without it).
   */
  readonly management?: boolean;
  /**
   * Whose clock `entry`'s and the listings' `expiresAt` follow: "process" (memory,
   * SQLite: checked within rounding of Date.now() + ttl) or "server" (Redis, PostgreSQL:
   * checked within expirySlackMs and a few seconds of clock offset). Default "server".
   */
  readonly clock?: "process" | "server";
}

/** What a check may ask of the store it opens: the adapter forwards it to the store's constructor. */
export interface CreateOptions {
  /** The store option `revocationGraceMs`: checks of revocation pass a short one (e.g. 300 ms). */
  readonly revocationGraceMs?: number;
}

/** What the backend itself holds for an id, read directly, bypassing the store. */
export interface Inspection {
  /** Time until the backend's own expiry for the entry, in ms; negative once expired, `Infinity` if it has none. */
  readonly expiresInMs: number;
}

/** One adapter's entry into the suite. */
export interface ConformanceOptions {
  /** The backend's name, shown in test titles. */
  readonly name: string;
  /**
   * Opens a fresh store over `namespace` (a key prefix, a table, a collection): a
   * lowercase identifier the suite makes up, unique per check. Stores over
   * different namespaces must never see each other's data. `options`, when given,
   * go to the store's constructor (e.g. `revocationGraceMs`).
   */
  readonly create: (namespace: string, options?: CreateOptions) => SessionStore | Promise<SessionStore>;
  readonly capabilities: StoreCapabilities;
  /**
   * Reads the backend directly (Redis `PTTL`, a SQL row's `expires_at`, the Mongo
   * document): `undefined` when the backend holds no entry for the id at all.
   */
  readonly inspect?: (namespace: string, id: string) => Promise<Inspection | undefined>;
  /**
   * The form in which sessionsOf and entries list a session id, when it is not the id
   * itself (hashedIds lists "\u0000" + the hashed key); `revoke` must accept it.
   * Default: the id as stored.
   */
  readonly listedId?: (id: string) => string;
  /** When set, the whole suite is skipped and the title shows this reason. */
  readonly skip?: string;
  /** Runs once after the suite, e.g. to drop the tables it created. */
  readonly cleanup?: () => Promise<void>;
}

/** What one check runs with: stores it opens are closed when it ends. */
export interface CheckContext {
  readonly options: ConformanceOptions;
  readonly capabilities: Required<Pick<StoreCapabilities, "expiry" | "sharedNamespace" | "expirySlackMs" | "management">> &
    StoreCapabilities;
  /** A namespace no other check uses. */
  newNamespace(): string;
  /** Opens a store over `namespace` (a new one by default) and closes it after the check. */
  open(namespace?: string, options?: CreateOptions): Promise<SessionStore>;
  /** Like `open`, and asserts the store has session management. */
  openManaged(namespace?: string, options?: CreateOptions): Promise<ManagedSessionStore>;
  /** The namespace a store from `open` was opened over. */
  namespaceOf(store: SessionStore): string;
  /** The form in which the store's listings show `id` (the adapter's `listedId`, default the id itself). */
  listedId(id: string): string;
  /** Whether the adapter gave an `inspect` hook; checks that need it only run when it did. */
  readonly canInspect: boolean;
  /** The backend's own view of an id in a store from `open`, read through the adapter's `inspect`. */
  inspect(store: SessionStore, id: string): Promise<Inspection | undefined>;
}

/** One semantic of CONTRACT.md, runnable on its own. */
export interface Check {
  readonly topic: string;
  readonly name: string;
  /** Whether the check applies to a backend with these capabilities. Default: always. */
  readonly appliesTo?: (options: ConformanceOptions) => boolean;
  readonly run: (context: CheckContext) => Promise<void>;
}
