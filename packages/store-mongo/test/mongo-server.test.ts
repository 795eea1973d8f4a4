import { performance } from "node:perf_hooks";
import { Binary, MongoClient } from "mongodb";
import type { Document } from "mongodb";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { MAX_ID_BYTES, SessionStoreError } from "@session-store/core";
import { harness, HOUR, settle } from "@session-store/harness";
import type { MongoStoreOptions } from "../src/index.js";
import { MAX_DATA_BYTES, MongoStore } from "../src/index.js";
import { EXPIRY_INDEX_NAME } from "../src/internal.js";
import { LOAD_PROJECTION, liveFilter } from "../src/queries.js";

const backend = await harness("mongo");

describe.skipIf(backend.skip !== undefined)(
  backend.skip === undefined ? "against a MongoDB server" : `against a MongoDB server (skipped: ${backend.skip})`,
  () => {
    const url = backend.url as string;
    let client: MongoClient;
    const stores: MongoStore[] = [];

    beforeAll(() => {
      client = new MongoClient(url);
    });
    afterAll(async () => {
      await Promise.allSettled(stores.map((store) => store.close()));
      await backend.cleanup();
      await client.close();
    });

    /** A collection of its own for one test, dropped after the file. */
    const fresh = () => backend.newNamespace();

    function open(options: MongoStoreOptions): MongoStore {
      const store = new MongoStore(options);
      stores.push(store);
      return store;
    }

    function expiryIndexOf(collection: string): Promise<Document | undefined> {
      return client
        .db()
        .collection(collection)
        .listIndexes()
        .toArray()
        .then((indexes) => indexes.find((index) => index.name === EXPIRY_INDEX_NAME));
    }

    async function waitUntilExpired(store: MongoStore, id: string): Promise<void> {
      await vi.waitFor(async () => expect(await store.load(id)).toBeUndefined(), { timeout: 10_000, interval: 20 });
    }

    it("creates the TTL index { expiresAt: 1 } with expireAfterSeconds 0 on first use", async () => {
      const collection = fresh();
      await open({ url, collection }).store("id", Uint8Array.from([1]), HOUR);
      const index = await expiryIndexOf(collection);
      expect(index?.key).toEqual({ expiresAt: 1 });
      expect(index?.expireAfterSeconds).toBe(0);
    });

    it("creates no index with createIndexes: false", async () => {
      const collection = fresh();
      await open({ url, collection, createIndexes: false }).store("id", Uint8Array.from([1]), HOUR);
      expect(await expiryIndexOf(collection)).toBeUndefined();
    });

    it("two processes creating the index at the same moment both succeed, and a third finds it there", async () => {
      const collection = fresh();
      const [a, b] = [open({ url, collection }), open({ url, collection })];
      await Promise.all([
        a.store("a", Uint8Array.from([1]), HOUR),
        b.store("b", Uint8Array.from([2]), HOUR),
        a.load("b"),
        b.touch("a", HOUR),
      ]);
      const c = open({ url, collection });
      expect(await c.load("a")).toEqual(Uint8Array.from([1]));
      const indexes = await client.db().collection(collection).listIndexes().toArray();
      expect(indexes.filter((index) => index.expireAfterSeconds !== undefined)).toHaveLength(1);
    });

    it("an existing index on expiresAt with other options fails with a clear error; createIndexes: false uses it", async () => {
      const collection = fresh();
      await client.db().collection(collection).createIndex({ expiresAt: 1 }, { expireAfterSeconds: 3_600 });
      const { error } = await settle(open({ url, collection }).store("id", Uint8Array.from([1]), HOUR));
      expect(error).toBeInstanceOf(SessionStoreError);
      expect((error as SessionStoreError).operation).toBe("setup");
      expect((error as Error).message).toMatch(/already has an index on \{ expiresAt: 1 \}/);
      expect((error as Error).message).toMatch(/createIndexes: false/);
      const store = open({ url, collection, createIndexes: false });
      await store.store("id", Uint8Array.from([1]), HOUR);
      expect(await store.load("id")).toEqual(Uint8Array.from([1]));
    });

    it("writes _id as the id string, data as binary subtype 0 and expiresAt as a Date by the server's clock", async () => {
      const collection = fresh();
      const store = open({ url, collection });
      const id = '{"$gt":""}';
      const ttl = 60_000;
      const start = performance.now();
      await store.store(id, Uint8Array.from([0, 255, 36]), ttl);
      const { localTime } = await client.db().command({ hello: 1 });
      const elapsed = performance.now() - start;
      const raw = await client.db().collection<{ _id: string; [field: string]: unknown }>(collection).findOne({ _id: id });
      expect(Object.keys(raw ?? {}).sort()).toEqual(["_id", "data", "expiresAt"]);
      expect(raw?._id).toBe(id);
      expect(raw?.data).toBeInstanceOf(Binary);
      expect((raw?.data as Binary).sub_type).toBe(0);
      expect(new Uint8Array((raw?.data as Binary).buffer)).toEqual(Uint8Array.from([0, 255, 36]));
      expect(raw?.expiresAt).toBeInstanceOf(Date);
      const remaining = (raw?.expiresAt as Date).getTime() - (localTime as Date).getTime();
      expect(remaining).toBeLessThanOrEqual(ttl);
      expect(remaining).toBeGreaterThan(ttl - elapsed - 3);
    });

    it("load's filter, $$NOW and all, is one look-up in the _id index", async () => {
      const collection = fresh();
      const store = open({ url, collection });
      for (const id of ["a", "b", "c", "d"]) await store.store(id, Uint8Array.from([1]), HOUR);
      const explained = await client
        .db()
        .collection(collection)
        .find(liveFilter("b"), { projection: LOAD_PROJECTION })
        .explain("executionStats");
      expect(JSON.stringify(explained.queryPlanner?.winningPlan)).not.toMatch(/COLLSCAN/);
      expect(explained.executionStats?.totalDocsExamined).toBeLessThanOrEqual(1);
      expect(explained.executionStats?.totalKeysExamined).toBeLessThanOrEqual(2);
      expect(explained.executionStats?.nReturned).toBe(1);
    });

    it("the largest data the store accepts, under the longest id, fits the server's document limit", async () => {
      const store = open({ url, collection: fresh() });
      const id = "é".repeat(MAX_ID_BYTES / 2);
      const data = new Uint8Array(MAX_DATA_BYTES).fill(7);
      await store.store(id, data, HOUR);
      const loaded = await store.load(id);
      expect(loaded?.byteLength).toBe(MAX_DATA_BYTES);
      expect(loaded?.every((byte) => byte === 7)).toBe(true);
    });

    it("remove deletes an expired document too, and resolves false for it", async () => {
      const collection = fresh();
      const store = open({ url, collection });
      await store.store("id", Uint8Array.from([1]), 1);
      await waitUntilExpired(store, "id");
      expect(await store.remove("id")).toBe(false);
      expect(await client.db().collection(collection).countDocuments()).toBe(0);
    });

    it("a caller's client and Db stay open after close", async () => {
      const own = new MongoClient(url);
      const collection = fresh();
      const byClient = new MongoStore({ client: own, collection });
      const byDb = new MongoStore({ db: own.db(), collection });
      await byClient.store("id", Uint8Array.from([1]), HOUR);
      await byDb.store("id", Uint8Array.from([2]), HOUR);
      await byClient.close();
      await byDb.close();
      expect((await own.db().command({ ping: 1 })).ok).toBe(1);
      await own.close();
    });

    it("refuses to write through an unacknowledged write concern (w: 0)", async () => {
      const own = new MongoClient(url, { writeConcern: { w: 0 } });
      const store = new MongoStore({ client: own, collection: fresh(), createIndexes: false });
      const { error } = await settle(store.store("id", Uint8Array.from([1]), HOUR));
      expect(error).toBeInstanceOf(SessionStoreError);
      expect((error as Error).message).toMatch(/not acknowledged/);
      await own.close();
    });

    it("sweep mode: a plain index, and sweep() deletes the expired documents in batches", async () => {
      const collection = fresh();
      const store = open({ url, collection, sweep: true, sweepBatchSize: 2 });
      await store.store("live", Uint8Array.from([1]), HOUR);
      const expired = ["e1", "e2", "e3", "e4", "e5"];
      for (const id of expired) await store.store(id, Uint8Array.from([2]), 1);
      for (const id of expired) await waitUntilExpired(store, id);
      expect(await store.sweep?.()).toBe(expired.length);
      expect(await client.db().collection(collection).countDocuments()).toBe(1);
      const index = await expiryIndexOf(collection);
      expect(index?.key).toEqual({ expiresAt: 1 });
      expect(index?.expireAfterSeconds).toBeUndefined();
    });
  },
);
