import type { MongoClient } from "mongodb";
import type { Backend } from "./backend.js";
import { namespaceSet, skippedBackend, withParam } from "./backend.js";
import { resolveServer } from "./resolve.js";

/** MongoDB: a namespace is a collection in the URL's database; the driver is loaded only when a server is there. */
export async function mongoBackend(): Promise<Backend> {
  const { url, skip } = await resolveServer("mongo");
  if (url === undefined) return skippedBackend("mongo", skip ?? "mongo: no server");
  const { MongoClient } = await import("mongodb");
  const namespaces = namespaceSet();
  let admin: MongoClient | undefined;
  const db = (name?: string) => (admin ??= new MongoClient(url)).db(name);
  return {
    name: "mongo",
    url,
    newNamespace: () => namespaces.next(),
    storeUrl: (namespace = namespaces.next()) => withParam(url, "collection", namespaces.add(namespace)),
    async inspect(namespace, id) {
      // The document's expiresAt against the server's clock, the one the store uses. A
      // revocation (the same document with `revoked: true` and no data) holds no session.
      const [database, collection] = namespace.includes(".") ? namespace.split(".") : [undefined, namespace];
      const [document] = await db(database)
        .collection<{ _id: string }>(collection as string)
        .aggregate([
          { $match: { _id: id, revoked: { $exists: false } } },
          { $project: { _id: 0, expiresAt: 1, remainingMs: { $subtract: ["$expiresAt", "$$NOW"] } } },
        ])
        .toArray();
      if (document === undefined) return undefined;
      if (!(document.expiresAt instanceof Date)) {
        throw new Error(`expiresAt is not a BSON Date but ${typeof document.expiresAt}: a TTL index would never expire it`);
      }
      return { expiresInMs: Number(document.remainingMs) };
    },
    async cleanup() {
      for (const namespace of namespaces.take()) {
        // 26 NamespaceNotFound: the store never created the collection.
        await db().collection(namespace).drop().catch((error: { code?: number }) => {
          if (error.code !== 26) throw error;
        });
        await db(namespace).dropDatabase();
      }
      await admin?.close();
      admin = undefined;
    },
  };
}
