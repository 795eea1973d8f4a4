import type { ListedEntry, SessionEntry } from "@session-store/core";
import { checkKnownOptions, checkOptionsObject } from "@session-store/core/adapter";
import type { Page } from "./reader-base.js";
import { ReaderBase } from "./reader-base.js";
import { sessionBytes } from "./session-reader.js";

/** A document of connect-mongo's `sessions` collection. */
export interface ConnectMongoDocument {
  readonly _id: unknown;
  /** JSON text (connect-mongo's default `stringify: true`) or the session object itself. */
  readonly session?: unknown;
  readonly expires?: unknown;
}

/** A MongoDB driver `Collection`, by the methods the reader calls. */
export interface MongoCollectionLike {
  findOne(filter: object): Promise<unknown>;
  find(filter: object): { sort(spec: { readonly _id: 1 }): { limit(n: number): { toArray(): Promise<unknown[]> } } };
  countDocuments(filter: object): Promise<number>;
}

export interface ConnectMongoReaderOptions {
  /** connect-mongo's collection (default name "sessions"), from the caller's connected MongoClient. */
  readonly collection: MongoCollectionLike;
}

/**
 * The session a connect-mongo document holds, as `entry` returns it, or `undefined`
 * when it is not a live session at `now` (expired, no expiry, no session). A session
 * kept as an object (connect-mongo's `stringify: false`) becomes its JSON, Dates as
 * ISO text, which is how express-session itself serializes a cookie's expiry.
 */
export function decodeConnectMongoDocument(document: ConnectMongoDocument, now = Date.now()): SessionEntry | undefined {
  const { session, expires } = document;
  if (!(expires instanceof Date)) return undefined;
  const expiresAt = expires.getTime();
  if (!(expiresAt > now)) return undefined;
  if (typeof session === "string") return { data: sessionBytes(session), expiresAt };
  if (typeof session === "object" && session !== null && !Array.isArray(session)) {
    return { data: sessionBytes(JSON.stringify(session)), expiresAt };
  }
  return undefined;
}

/**
 * Reads what connect-mongo wrote: documents `{ _id: sid, session, expires }`. Its TTL
 * index deletes expired documents about once a minute; until then the reader skips
 * them by `expires`. `entries` pages by keyset on `_id`; `count` counts documents
 * whose `expires` is still ahead. The expiry is the process clock (as connect-mongo's own).
 */
export class ConnectMongoReader extends ReaderBase<string> {
  readonly #collection: MongoCollectionLike;

  constructor(options: ConnectMongoReaderOptions) {
    super("connect-mongo");
    checkOptionsObject(options, "ConnectMongoReader");
    checkKnownOptions(options, ["collection"], "ConnectMongoReader");
    if (typeof options.collection?.findOne !== "function") throw new TypeError("collection must be a MongoDB Collection");
    this.#collection = options.collection;
  }

  protected async readEntry(id: string): Promise<SessionEntry | undefined> {
    const document = (await this.#collection.findOne({ _id: id, expires: { $gt: new Date() } })) as ConnectMongoDocument | null;
    return document === null ? undefined : decodeConnectMongoDocument(document);
  }

  protected async readPage(cursor: string | undefined, size: number): Promise<Page<string>> {
    const now = new Date();
    const filter = cursor === undefined ? { expires: { $gt: now } } : { _id: { $gt: cursor }, expires: { $gt: now } };
    const documents = (await this.#collection.find(filter).sort({ _id: 1 }).limit(size).toArray()) as ConnectMongoDocument[];
    const entries: ListedEntry[] = [];
    for (const document of documents) {
      const entry = typeof document._id === "string" ? decodeConnectMongoDocument(document, now.getTime()) : undefined;
      if (entry !== undefined) entries.push({ id: document._id as string, ...entry });
    }
    const last = documents[documents.length - 1]?._id;
    return { entries, next: documents.length < size || typeof last !== "string" ? undefined : last };
  }

  protected countLive(): Promise<number> {
    return this.#collection.countDocuments({ expires: { $gt: new Date() } });
  }

  /** A lookup of an id no session has, by `_id`: the collection is all the reader holds, and the index answers it. */
  protected async roundTrip(): Promise<void> {
    await this.#collection.findOne({ _id: "" });
  }

  protected async release(): Promise<void> {}
}
