import type { Collection, IndexDescription } from "mongodb";
import { SessionStoreError } from "@session-store/core";
import { checkIdentifier, redact } from "@session-store/core/adapter";
import type { SessionDocument } from "./document.js";
import { DEFAULT_COLLECTION } from "./options.js";

/** The name of the store's index on `expiresAt` (MongoDB's default name for that key). */
export const EXPIRY_INDEX_NAME = "expiresAt_1";
/** The name of the store's partial index on `owner`. */
export const OWNER_INDEX_NAME = "owner_1";

/** "ttl": MongoDB's TTL monitor deletes expired documents. "sweep": `sweep()` does, through a plain index. */
export type ExpiryMode = "ttl" | "sweep";

/** An index as `createIndex(key, options)` takes it. */
export interface IndexSpec {
  readonly key: { readonly expiresAt: 1 } | { readonly owner: 1 };
  readonly options: {
    readonly name: string;
    readonly expireAfterSeconds?: number;
    readonly partialFilterExpression?: { readonly owner: { readonly $exists: true } };
  };
}

/**
 * The index on `expiresAt`. With `expireAfterSeconds: 0` the TTL monitor deletes a
 * document (session or revocation) once the clock passes the Date in its `expiresAt`.
 */
export function expiryIndex(mode: ExpiryMode): IndexSpec {
  return mode === "ttl"
    ? { key: { expiresAt: 1 }, options: { name: EXPIRY_INDEX_NAME, expireAfterSeconds: 0 } }
    : { key: { expiresAt: 1 }, options: { name: EXPIRY_INDEX_NAME } };
}

/**
 * The index `sessionsOf` and `removeSessionsOf` read: partial, so sessions stored
 * without an owner (and revocations, which have none) are not in it and cost nothing.
 */
export const OWNER_INDEX: IndexSpec = {
  key: { owner: 1 },
  options: { name: OWNER_INDEX_NAME, partialFilterExpression: { owner: { $exists: true } } },
};

/** The store's indexes besides `_id`. */
export function storeIndexes(mode: ExpiryMode): readonly IndexSpec[] {
  return [expiryIndex(mode), OWNER_INDEX];
}

/**
 * The mongosh command an operator runs to create the indexes when the application
 * may not (`createIndexes: false`). Pass `{ sweep: true }` for a store with `sweep: true`.
 */
export function mongoIndexCommand(collection: string = DEFAULT_COLLECTION, options: { readonly sweep?: boolean } = {}): string {
  const name = checkIdentifier(collection, "collection");
  const indexes = storeIndexes(options.sweep === true ? "sweep" : "ttl").map(toDescription);
  return `db.runCommand(${JSON.stringify({ createIndexes: name, indexes })})`;
}

function toDescription({ key, options }: IndexSpec): IndexDescription {
  return { key, ...options };
}

/**
 * Creates the indexes in one `createIndexes` command, without a deadline: on a
 * collection with data it is a real index build (waiting for the commit quorum of
 * the voting members), and killing the command would abort it. MongoDB treats an
 * index that exists with the same key, name and options as success, also when two
 * processes build it at the same moment.
 */
export async function createStoreIndexes(collection: Collection<SessionDocument>, mode: ExpiryMode): Promise<void> {
  try {
    await collection.createIndexes(storeIndexes(mode).map(toDescription));
  } catch (error) {
    throw new SessionStoreError(explain(error, collection.collectionName, mode), {
      backend: "mongo",
      operation: "setup",
      cause: error,
    });
  }
}

/** Setup errors a retry cannot fix; the others (a network error, a stepdown) may pass. */
export function isPermanentSetupError(error: unknown): boolean {
  const code = ((error as { cause?: { code?: unknown } } | null)?.cause ?? {}).code;
  return code === INDEX_OPTIONS_CONFLICT || code === INDEX_KEY_SPECS_CONFLICT || code === UNAUTHORIZED;
}

const INDEX_OPTIONS_CONFLICT = 85;
const INDEX_KEY_SPECS_CONFLICT = 86;
const UNAUTHORIZED = 13;

function explain(error: unknown, collection: string, mode: ExpiryMode): string {
  const code = (error as { code?: unknown } | null)?.code;
  const wanted = storeIndexes(mode)
    .map(({ key, options }) => `${JSON.stringify(key)} ${JSON.stringify(options)}`)
    .join(" and ");
  const yours = "drop yours so the store can create its own, or keep it and pass createIndexes: false";
  if (code === INDEX_OPTIONS_CONFLICT) {
    return (
      `setup failed: collection "${collection}" already has an index on { expiresAt: 1 } or { owner: 1 } under another ` +
      `name or with other options (the store needs ${wanted}); ${yours}`
    );
  }
  if (code === INDEX_KEY_SPECS_CONFLICT) {
    return (
      `setup failed: collection "${collection}" already has an index named ${EXPIRY_INDEX_NAME} or ${OWNER_INDEX_NAME} ` +
      `with another key or options (the store needs ${wanted}); ${yours}`
    );
  }
  if (code === UNAUTHORIZED) {
    return (
      `setup failed: not allowed to create the store's indexes on "${collection}"; have an operator run ` +
      `${mongoIndexCommand(collection, { sweep: mode === "sweep" })} and pass createIndexes: false`
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return `setup failed: could not create the store's indexes on "${collection}": ${redact(message).slice(0, 200)}`;
}
