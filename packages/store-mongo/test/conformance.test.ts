import { MongoClient } from "mongodb";
import { describeSessionStore } from "@session-store/conformance";
import type { Inspection } from "@session-store/conformance";
import { resolveBackend } from "@session-store/testing";
import type { MongoStoreUrlOptions } from "../src/index.js";
import { MAX_DATA_BYTES, MongoStore } from "../src/index.js";

const backend = await resolveBackend("mongo");

/**
 * One suite run: every namespace is a collection in the URL's database, opened by a
 * store-owned client (so close() is exercised for real); the test's own client reads
 * the raw documents for `inspect` and drops the collections afterwards.
 */
function mongoSuite(name: string, extra: Partial<MongoStoreUrlOptions>, expiry: "native" | "sweep"): void {
  const collections = new Set<string>();
  let reader: MongoClient | undefined;
  const readerDb = () => (reader ??= new MongoClient(backend.url as string)).db();

  describeSessionStore({
    name,
    create: (namespace) => {
      collections.add(namespace);
      return new MongoStore({ ...extra, url: backend.url as string, collection: namespace });
    },
    capabilities: { expiry, sharedNamespace: true, maxDataBytes: MAX_DATA_BYTES },
    // The raw document's expiresAt against the server's clock, the one the store uses.
    inspect: async (namespace, id): Promise<Inspection | undefined> => {
      const [document] = await readerDb()
        .collection<{ _id: string }>(namespace)
        .aggregate([
          { $match: { _id: id } },
          { $project: { _id: 0, expiresAt: 1, remainingMs: { $subtract: ["$expiresAt", "$$NOW"] } } },
        ])
        .toArray();
      if (document === undefined) return undefined;
      if (!(document.expiresAt instanceof Date)) {
        throw new Error(`expiresAt is not a BSON Date but ${typeof document.expiresAt}: a TTL index would never expire it`);
      }
      return { expiresInMs: Number(document.remainingMs) };
    },
    skip: backend.skip,
    cleanup: async () => {
      if (collections.size === 0) return;
      const db = readerDb();
      for (const collection of collections) await db.collection(collection).drop();
      await reader?.close();
    },
  });
}

mongoSuite("mongo", {}, "native");
mongoSuite("mongo (sweep: true)", { sweep: true }, "sweep");
