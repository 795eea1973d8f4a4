import type { Abortable, Collection, CreateIndexOptions } from "mongodb";
import { SessionStoreError } from "@session-store/core";
import { checkIdentifier, redact } from "@session-store/core/adapter";
import type { SessionDocument } from "./document.js";
import { DEFAULT_COLLECTION } from "./options.js";

/** The name of the store's index on `expiresAt` (MongoDB's default name for that key). */
export const EXPIRY_INDEX_NAME = "expiresAt_1";

/** "ttl": MongoDB's TTL monitor deletes expired documents. "sweep": `sweep()` does, through a plain index. */
export type ExpiryMode = "ttl" | "sweep";

/** An index as `createIndex(key, options)` takes it. */
export interface IndexSpec {
  readonly key: { readonly expiresAt: 1 };
  readonly options: { readonly name: string; readonly expireAfterSeconds?: number };
}

/**
 * The store's one index besides `_id`. With `expireAfterSeconds: 0` the TTL monitor
 * deletes a document once the clock passes the Date in its `expiresAt`.
 */
export function expiryIndex(mode: ExpiryMode): IndexSpec {
  return mode === "ttl"
    ? { key: { expiresAt: 1 }, options: { name: EXPIRY_INDEX_NAME, expireAfterSeconds: 0 } }
    : { key: { expiresAt: 1 }, options: { name: EXPIRY_INDEX_NAME } };
}

/**
 * The mongosh command an operator runs to create the index when the application
 * may not (`createIndexes: false`). Pass `{ sweep: true }` for a store with `sweep: true`.
 */
export function mongoIndexCommand(collection: string = DEFAULT_COLLECTION, options: { readonly sweep?: boolean } = {}): string {
  const name = checkIdentifier(collection, "collection");
  const { key, options: indexOptions } = expiryIndex(options.sweep === true ? "sweep" : "ttl");
  return `db.getCollection(${JSON.stringify(name)}).createIndex(${JSON.stringify(key)}, ${JSON.stringify(indexOptions)})`;
}

/**
 * Creates the index, bounded by `timeoutMs`. MongoDB treats creating an index that
 * exists with the same key and options as success, also when two processes build it
 * at the same moment; the same key or name with other options is a conflict.
 */
export async function createExpiryIndex(
  collection: Collection<SessionDocument>,
  mode: ExpiryMode,
  timeoutMs: number,
): Promise<void> {
  const { key, options } = expiryIndex(mode);
  // Driver 7.9's three-argument form keeps index options apart from command options.
  // The driver honours `signal` on every operation (server selection, pool, socket);
  // its types list it only on reads.
  const commandOptions: CreateIndexOptions & Abortable = { signal: AbortSignal.timeout(timeoutMs) };
  try {
    await collection.createIndex(key, { ...options }, commandOptions);
  } catch (error) {
    throw new SessionStoreError(explain(error, collection.collectionName, mode), {
      backend: "mongo",
      operation: "setup",
      cause: error,
    });
  }
}

const INDEX_OPTIONS_CONFLICT = 85;
const INDEX_KEY_SPECS_CONFLICT = 86;
const UNAUTHORIZED = 13;

function explain(error: unknown, collection: string, mode: ExpiryMode): string {
  const code = (error as { code?: unknown } | null)?.code;
  const wanted = JSON.stringify(expiryIndex(mode).options);
  if (code === INDEX_OPTIONS_CONFLICT || code === INDEX_KEY_SPECS_CONFLICT) {
    return (
      `setup failed: collection "${collection}" already has an index on { expiresAt: 1 } or named ${EXPIRY_INDEX_NAME} ` +
      `with options other than ${wanted}; drop it so the store can create its own, or keep yours and pass createIndexes: false`
    );
  }
  if (code === UNAUTHORIZED) {
    return (
      `setup failed: not allowed to create the expiry index on "${collection}"; have an operator run ` +
      `${mongoIndexCommand(collection, { sweep: mode === "sweep" })} and pass createIndexes: false`
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return `setup failed: could not create the expiry index on "${collection}": ${redact(message).slice(0, 200)}`;
}
