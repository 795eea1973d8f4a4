/**
 * mongo: our MongoStore beside the raw driver sending the same commands, and the MongoDB
 * session stores users pick today. Every contender has its own MongoClient and its own
 * collection in MONGO_URL's database.
 */
import KeyvMongo from "@keyv/mongo";
import { openStore } from "@session-store/open";
import ConnectMongoStore from "connect-mongo";
import { Keyv } from "keyv";
import { idFilter, LOAD_PROJECTION, liveFilter, storeUpdate } from "@session-store/store-mongo/internal";
import { Binary, MongoClient } from "mongodb";
import { expressStoreWorkload, keyvWorkload, packageVersion } from "../peers.js";
import type { BackendBench } from "../types.js";

const bench: BackendBench = {
  contenders: [
    {
      name: `raw mongodb ${packageVersion("mongodb")}`,
      role: "raw",
      note: "MongoStore's own commands (imported from its ./internal: an upsert whose pipeline keeps a live revocation, a `findOne` filtered on `$$NOW`) and its TTL index, with nothing around them: no copy, no deadline",
      open: async (backend) => {
        const client = new MongoClient(backend.url as string);
        const sessions = client.db().collection<{ _id: string; data: Binary; expiresAt: Date }>(backend.newNamespace());
        await sessions.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
        // The commands MongoStore sends (see its src/queries.ts), issued straight on the driver.
        return {
          load: async (id) => (await sessions.findOne<{ data: Binary }>(liveFilter(id), { projection: LOAD_PROJECTION }))?.data.buffer,
          store: (id, data, ttlMs) => sessions.updateOne(idFilter(id), storeUpdate(new Binary(data), ttlMs), { upsert: true }),
          close: () => client.close(),
        };
      },
    },
    {
      name: "session-store MongoStore",
      role: "ours",
      note: "its own client from `{ url }`; copies the blob in and out, a 5 s deadline on every call, TTL index created on first use",
      open: (backend) => openStore(backend.storeUrl()),
    },
    {
      name: `connect-mongo ${packageVersion("connect-mongo")}`,
      role: "peer",
      note: "base64 in a session object beside its cookie, stored as JSON text (its default `stringify`), TTL index on `expires` (its default `autoRemove: native`)",
      open: async (backend) => {
        const store = ConnectMongoStore.create({ client: new MongoClient(backend.url as string), collectionName: backend.newNamespace() });
        // connect-mongo's close() closes the client it was given.
        return expressStoreWorkload(store, () => store.close());
      },
    },
    {
      name: `@keyv/mongo ${packageVersion("@keyv/mongo")} (keyv ${packageVersion("keyv")})`,
      role: "peer",
      note: "keyv gets the Buffer itself with the ttl and stores it as base64 in JSON text; `throwOnErrors` on",
      open: async (backend) => keyvWorkload(new Keyv<Buffer>({ store: new KeyvMongo(backend.url as string, { collection: backend.newNamespace() }), throwOnErrors: true })),
    },
  ],
  notes: `Every contender has a MongoClient of its own (driver defaults: a pool of up to 100
connections) to the same server and a collection of its own. Writes use the client's default write
concern (w: 1 on a standalone server, majority on a replica set): compare figures within one run only.`,
};

export default bench;
