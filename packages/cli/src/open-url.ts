import type { EntriesOptions, ListedEntry, ManagedSessionStore } from "@session-store/core";
import { isMissingPackage, unknownOptionMessage } from "@session-store/core/adapter";
import type { MongoCollectionLike, SessionReader } from "@session-store/migrate";
import { ConnectMongoReader, ConnectPgSimpleReader, ConnectRedisReader } from "@session-store/migrate";
import { openStore } from "@session-store/open";
import { UsageError } from "./usage-error.js";

/** What a URL opens: one of our stores (writable), or a read-only reader of a peer's data. */
export type Opened =
  | { readonly kind: "store"; readonly store: ManagedSessionStore; close(): Promise<void> }
  | { readonly kind: "reader"; readonly store: SessionReader & ListingStore; close(): Promise<void> };

interface ListingStore {
  entries(options?: EntriesOptions): AsyncIterable<ListedEntry>;
}

const READERS: Record<string, (url: string) => Promise<Opened>> = {
  "connect-redis": openConnectRedis,
  "connect-pg-simple": openConnectPgSimple,
  "connect-mongo": openConnectMongo,
};

/**
 * Opens `url`: whatever `openStore` accepts, or `connect-redis+redis://…`,
 * `connect-pg-simple+postgres://…`, `connect-mongo+mongodb://…` for the peers' data.
 */
export async function openUrl(url: string): Promise<Opened> {
  const plus = /^([a-z-]+)\+/i.exec(url);
  const openReader = plus ? READERS[(plus[1] as string).toLowerCase()] : undefined;
  if (openReader) return openReader(url.slice((plus?.[0] as string).length));
  const store = await openStore(url);
  return { kind: "store", store, close: async () => store.close?.() };
}

/**
 * Splits the query parameters named in `known` off the URL (returned decoded); the
 * others stay as written, for the driver, or are a usage error when `strict`.
 * By hand, not `new URL`: a MongoDB host list is no WHATWG URL.
 */
function takeParams(url: string, known: readonly string[], what: string, strict: boolean) {
  const queryAt = url.indexOf("?");
  if (queryAt === -1) return { rest: url, taken: {} as Record<string, string> };
  const taken: Record<string, string> = {};
  const kept: string[] = [];
  for (const pair of url.slice(queryAt + 1).split("&")) {
    const [name = "", value = ""] = pair.split(/=(.*)/s);
    if (known.includes(name)) taken[name] = decodeURIComponent(value.replaceAll("+", " "));
    else if (strict && pair !== "") throw new UsageError(unknownOptionMessage(name, known, what));
    else if (pair !== "") kept.push(pair);
  }
  return { rest: url.slice(0, queryAt) + (kept.length > 0 ? `?${kept.join("&")}` : ""), taken };
}

function checkScheme(url: string, schemes: readonly string[], what: string): void {
  if (!schemes.some((scheme) => url.toLowerCase().startsWith(`${scheme}//`))) {
    throw new UsageError(`a ${what} URL starts with ${schemes.map((scheme) => `${what}+${scheme}//`).join(" or ")}`);
  }
}

async function openConnectRedis(url: string): Promise<Opened> {
  checkScheme(url, ["redis:", "rediss:"], "connect-redis");
  const { rest, taken } = takeParams(url, ["prefix", "ttlWithoutExpiryMs"], "a connect-redis URL", true);
  const { Redis } = await import("ioredis");
  const client = new Redis(rest, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 5_000 });
  client.on("error", () => undefined);
  const ttl = taken.ttlWithoutExpiryMs === undefined ? undefined : Number(taken.ttlWithoutExpiryMs);
  const reader = new ConnectRedisReader({ client, prefix: taken.prefix, ttlWithoutExpiryMs: ttl });
  return {
    kind: "reader",
    store: reader,
    close: async () => {
      await reader.close();
      client.disconnect();
    },
  };
}

async function openConnectPgSimple(url: string): Promise<Opened> {
  checkScheme(url, ["postgres:", "postgresql:"], "connect-pg-simple");
  const { rest, taken } = takeParams(url, ["table", "schema"], "a connect-pg-simple URL", false);
  const reader = new ConnectPgSimpleReader({ connectionString: rest, tableName: taken.table, schemaName: taken.schema });
  return { kind: "reader", store: reader, close: () => reader.close() };
}

async function openConnectMongo(url: string): Promise<Opened> {
  checkScheme(url, ["mongodb:", "mongodb+srv:"], "connect-mongo");
  const { rest, taken } = takeParams(url, ["collection"], "a connect-mongo URL", false);
  const { MongoClient } = (await importOptional("mongodb", "connect-mongo")) as { MongoClient: MongoClientClass };
  const client = new MongoClient(rest, { serverSelectionTimeoutMS: 5_000 });
  const collection = client.db().collection(taken.collection ?? "sessions");
  const reader = new ConnectMongoReader({ collection });
  return {
    kind: "reader",
    store: reader,
    close: async () => {
      await reader.close();
      await client.close();
    },
  };
}

/** The MongoDB driver's client, by what the reader needs. */
type MongoClientClass = new (
  url: string,
  options: { serverSelectionTimeoutMS: number },
) => { db(): { collection(name: string): MongoCollectionLike }; close(): Promise<void> };

/** A driver the command does not depend on: imported when a URL needs it, named when missing. */
async function importOptional(packageName: string, what: string): Promise<unknown> {
  const name: string = packageName;
  try {
    return await import(name);
  } catch (error) {
    if (isMissingPackage(error, packageName)) throw new Error(`${what} URLs need the ${packageName} package: npm install ${packageName}`);
    throw error;
  }
}
