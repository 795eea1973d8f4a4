/**
 * mongo: our MongoStore beside the raw driver sending the same commands, and the
 * MongoDB session stores users pick today. Every contender has its own MongoClient
 * and its own collection in MONGO_URL's database, dropped when it closes. Skipped,
 * with the reason, when MONGO_URL is unset or nothing answers there.
 */
import { randomBytes } from "node:crypto";
import KeyvMongo from "@keyv/mongo";
import { redact } from "@session-store/core/adapter";
import { MongoStore } from "@session-store/store-mongo";
import ConnectMongoStore from "connect-mongo";
import { Keyv } from "keyv";
import { Binary, MongoClient } from "mongodb";
import type { Collection } from "mongodb";
import { packageVersion } from "../package-version.js";
import { expressStoreWorkload } from "../peers/express-store.js";
import type { BackendBench, Contender, Workload } from "../types.js";

const url = process.env.MONGO_URL;

/** A collection name no other contender or run uses. */
const newCollection = (who: string) => `bench_${who}_${randomBytes(4).toString("hex")}`;

/** A short-lived client for setup and cleanup, never one of the measured ones. */
async function withAdmin<T>(work: (admin: MongoClient) => Promise<T>): Promise<T> {
  const admin = new MongoClient(url as string, { serverSelectionTimeoutMS: 2_000, connectTimeoutMS: 2_000 });
  try {
    return await work(admin);
  } finally {
    await admin.close();
  }
}

/** Closes the contender's client, then drops the collection it wrote. */
function cleaningUp(collection: string, workload: Omit<Workload, "close">, close: () => Promise<unknown>): Workload {
  return {
    load: workload.load,
    store: workload.store,
    close: async () => {
      await close();
      await withAdmin((admin) => admin.db().collection(collection).drop());
    },
  };
}

interface RawDocument {
  _id: string;
  data: Binary;
  expiresAt: Date;
}

/** The commands MongoStore sends (see its src/queries.ts), issued straight on the driver. */
function rawWorkload(sessions: Collection<RawDocument>): Omit<Workload, "close"> {
  return {
    load: async (id) => {
      const found = await sessions.findOne<{ data: Binary }>(
        { _id: id, $expr: { $gt: ["$expiresAt", "$$NOW"] } },
        { projection: { _id: 0, data: 1 } },
      );
      return found?.data.buffer;
    },
    store: (id, data, ttlMs) =>
      sessions.updateOne(
        { _id: id },
        [{ $set: { data: { $literal: new Binary(data) }, expiresAt: { $add: ["$$NOW", ttlMs] } } }],
        { upsert: true },
      ),
  };
}

const driverVersion = packageVersion("mongodb");

const raw: Contender = {
  name: `raw mongodb ${driverVersion}`,
  role: "raw",
  note: "MongoStore's commands (an upsert with a `$$NOW` pipeline, a `findOne` filtered on `$$NOW`) and its TTL index, with nothing around them: no copy, no deadline",
  open: async () => {
    const collection = newCollection("raw");
    const client = new MongoClient(url as string);
    const sessions = client.db().collection<RawDocument>(collection);
    await sessions.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 }, {});
    return cleaningUp(collection, rawWorkload(sessions), () => client.close());
  },
};

const ours: Contender = {
  name: "session-store MongoStore",
  role: "ours",
  note: "its own client from `{ url }`; copies the blob in and out, a 5 s deadline on every call, TTL index created on first use",
  open: async () => {
    const collection = newCollection("ours");
    const store = new MongoStore({ url: url as string, collection });
    return cleaningUp(
      collection,
      { load: (id) => store.load(id), store: (id, data, ttlMs) => store.store(id, data, ttlMs) },
      () => store.close(),
    );
  },
};

const connectMongo: Contender = {
  name: `connect-mongo ${packageVersion("connect-mongo")}`,
  role: "peer",
  note: "base64 in a session object beside its cookie, stored as JSON text (its default `stringify`), TTL index on `expires` (its default `autoRemove: native`)",
  open: async () => {
    const collection = newCollection("connect_mongo");
    const client = new MongoClient(url as string);
    const store = ConnectMongoStore.create({ client, collectionName: collection });
    // connect-mongo's close() closes the client it was given.
    const workload = expressStoreWorkload(store, () => store.close());
    return cleaningUp(collection, workload, () => workload.close());
  },
};

const keyvMongo: Contender = {
  name: `@keyv/mongo ${packageVersion("@keyv/mongo")} (keyv ${packageVersion("keyv")})`,
  role: "peer",
  note: "keyv gets the Buffer itself with the ttl and stores it as base64 in JSON text; `throwOnErrors` on",
  open: async () => {
    const collection = newCollection("keyv");
    const keyv = new Keyv<Buffer>({ store: new KeyvMongo(url as string, { collection }), throwOnErrors: true });
    return cleaningUp(
      collection,
      { load: (id) => keyv.get(id), store: (id, data, ttlMs) => keyv.set(id, data, ttlMs) },
      () => keyv.disconnect(),
    );
  },
};

const bench: BackendBench = {
  backend: "mongo",
  unavailable: async () => {
    if (!url) return "MONGO_URL is not set (e.g. `docker compose up -d mongo`, then MONGO_URL=mongodb://127.0.0.1:27017/test)";
    try {
      await withAdmin((admin) => admin.db().command({ ping: 1 }));
      return undefined;
    } catch (error) {
      // The URL may carry a password: never print it.
      return `no MongoDB answered at MONGO_URL (${redact(error instanceof Error ? error.message : String(error))})`;
    }
  },
  contenders: [raw, ours, connectMongo, keyvMongo],
  version: () =>
    withAdmin(async (admin) => {
      const info = await admin.db().admin().command({ buildInfo: 1 });
      return `MongoDB ${String(info.version)}`;
    }),
  notes: `Every contender has a MongoClient of its own (driver defaults: a pool of up to 100
connections) to the same server and a collection of its own. Writes use the client's default write
concern (w: 1 on a standalone server, majority on a replica set): compare figures within one run only.`,
};

export default bench;
