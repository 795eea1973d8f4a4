import { performance } from "node:perf_hooks";
import { Binary, MongoClient } from "mongodb";
import type { Document } from "mongodb";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { MAX_ID_BYTES, SessionStoreError } from "@session-store/core";
import { harness, HOUR, settle } from "@session-store/harness";
import type { MongoStoreOptions } from "../src/index.js";
import { MAX_DATA_BYTES, MongoStore } from "../src/index.js";
import { EXPIRY_INDEX_NAME, OWNER_INDEX_NAME } from "../src/internal.js";
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

    it("creates the TTL index { expiresAt: 1 } with expireAfterSeconds 0 and the partial owner index, in the background", async () => {
      const collection = fresh();
      const store = open({ url, collection });
      await store.store("id", Uint8Array.from([1]), HOUR);
      await store.setup();
      const index = await expiryIndexOf(collection);
      expect(index?.key).toEqual({ expiresAt: 1 });
      expect(index?.expireAfterSeconds).toBe(0);
      const indexes = await client.db().collection(collection).listIndexes().toArray();
      const owner = indexes.find((candidate) => candidate.name === OWNER_INDEX_NAME);
      expect(owner?.key).toEqual({ owner: 1 });
      expect(owner?.partialFilterExpression).toEqual({ owner: { $exists: true } });
    });

    it("creates no index with createIndexes: false", async () => {
      const collection = fresh();
      await open({ url, collection, createIndexes: false }).store("id", Uint8Array.from([1]), HOUR);
      expect(await expiryIndexOf(collection)).toBeUndefined();
    });

    it("two processes creating the index at the same moment both succeed, and a third finds it there", async () => {
      const collection = fresh();
      const [a, b] = [open({ url, collection }), open({ url, collection })];
      await Promise.all([a.setup(), b.setup(), a.store("a", Uint8Array.from([1]), HOUR), b.store("b", Uint8Array.from([2]), HOUR)]);
      const c = open({ url, collection });
      expect(await c.load("a")).toEqual(Uint8Array.from([1]));
      const indexes = await client.db().collection(collection).listIndexes().toArray();
      expect(indexes.filter((index) => index.expireAfterSeconds !== undefined)).toHaveLength(1);
    });

    it("an existing index on expiresAt with other options fails setup with a clear error; calls still work", async () => {
      const collection = fresh();
      await client.db().collection(collection).createIndex({ expiresAt: 1 }, { expireAfterSeconds: 3_600 });
      const store = open({ url, collection });
      expect(await store.store("id", Uint8Array.from([1]), HOUR)).toBe(true);
      const { error } = await settle(store.setup());
      expect(error).toBeInstanceOf(SessionStoreError);
      expect((error as SessionStoreError).operation).toBe("setup");
      expect((error as Error).message).toMatch(/already has an index on \{ expiresAt: 1 \}/);
      expect((error as Error).message).toMatch(/createIndexes: false/);
      expect(await store.load("id")).toEqual(Uint8Array.from([1]));
      const own = open({ url, collection, createIndexes: false });
      await own.setup();
      expect(await own.load("id")).toEqual(Uint8Array.from([1]));
    });

    it("the same TTL index under another name is code 85 and fails setup saying so", async () => {
      const collection = fresh();
      await client.db().collection(collection).createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0, name: "my_ttl" });
      const { error } = await settle(open({ url, collection }).setup());
      expect((error as SessionStoreError).operation).toBe("setup");
      expect((error as Error).message).toMatch(/under another name/);
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
      expect(await store.store(id, Uint8Array.from([1]), ttl, { owner: "ada" })).toBe(true);
      const owned = await client.db().collection<{ _id: string; [field: string]: unknown }>(collection).findOne({ _id: id });
      expect(owned?.owner).toBe("ada");
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

    it("remove of an expired session resolves false and leaves the document to the TTL index", async () => {
      const collection = fresh();
      const store = open({ url, collection });
      await store.store("id", Uint8Array.from([1]), 1);
      await waitUntilExpired(store, "id");
      expect(await store.remove("id")).toBe(false);
      expect(await store.store("id", Uint8Array.from([2]), HOUR)).toBe(true);
      expect(await store.remove("id")).toBe(true);
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

    it("refuses an unacknowledged write concern (w: 0) when built", async () => {
      const own = new MongoClient(url, { writeConcern: { w: 0 } });
      expect(() => new MongoStore({ client: own, collection: fresh() })).toThrow(/w: 0/);
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
      await store.setup();
      const index = await expiryIndexOf(collection);
      expect(index?.key).toEqual({ expiresAt: 1 });
      expect(index?.expireAfterSeconds).toBeUndefined();
    });
    describe("session management", () => {
      const bytes = (value: number) => Uint8Array.from([value]);

      it("entry: data, expiresAt by the server's clock, owner only when stored", async () => {
        const store = open({ url, collection: fresh() });
        await store.store("a", bytes(1), HOUR, { owner: "ada" });
        await store.store("b", bytes(2), HOUR);
        const { localTime } = await client.db().command({ hello: 1 });
        const a = await store.entry("a");
        expect(a?.data).toEqual(bytes(1));
        expect(a?.owner).toBe("ada");
        expect(Math.abs((a?.expiresAt ?? 0) - ((localTime as Date).getTime() + HOUR))).toBeLessThan(5_000);
        expect("owner" in ((await store.entry("b")) ?? {})).toBe(false);
        expect(await store.entry("absent")).toBeUndefined();
      });

      it("revoke leaves a revocation in the session's own document; store is refused until it ends", async () => {
        const collection = fresh();
        const store = open({ url, collection, revocationGraceMs: 300 });
        await store.store("id", bytes(1), 200, { owner: "ada" });
        expect(await store.revoke("id")).toBe(true);
        const raw = await client.db().collection<{ _id: string }>(collection).findOne({ _id: "id" });
        expect(Object.keys(raw ?? {}).sort()).toEqual(["_id", "expiresAt", "revoked"]);
        expect(await store.store("id", bytes(2), HOUR)).toBe(false);
        expect(await store.load("id")).toBeUndefined();
        expect(await store.entry("id")).toBeUndefined();
        expect(await store.touch("id", HOUR)).toBe(false);
        expect(await store.remove("id")).toBe(false);
        expect(await store.sessionsOf("ada")).toEqual([]);
        expect(await store.count()).toBe(0);
        expect(await store.revoke("id")).toBe(false);
        await vi.waitFor(async () => expect(await store.store("id", bytes(3), HOUR)).toBe(true), { timeout: 5_000, interval: 50 });
        expect(await store.load("id")).toEqual(bytes(3));
      });

      it("a revocation lasts until the session would have expired when that is later than the grace", async () => {
        const collection = fresh();
        const store = open({ url, collection, revocationGraceMs: 100 });
        await store.store("id", bytes(1), HOUR);
        await store.revoke("id");
        const raw = await client.db().collection<{ _id: string; expiresAt: Date }>(collection).findOne({ _id: "id" });
        expect((raw?.expiresAt.getTime() ?? 0) - Date.now()).toBeGreaterThan(HOUR - 60_000);
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(await store.store("id", bytes(2), HOUR)).toBe(false);
      });

      it("revoking an absent id still leaves a grace-long revocation", async () => {
        const store = open({ url, collection: fresh(), revocationGraceMs: 60_000 });
        expect(await store.revoke("never")).toBe(false);
        expect(await store.store("never", bytes(1), HOUR)).toBe(false);
      });

      it("sessionsOf lists live sessions through the owner index; removeSessionsOf revokes all but except", async () => {
        const collection = fresh();
        const store = open({ url, collection });
        await store.setup();
        await store.store("a", bytes(1), HOUR, { owner: "ada" });
        await store.store("b", bytes(1), HOUR, { owner: "ada" });
        await store.store("c", bytes(1), HOUR, { owner: "ada" });
        await store.store("d", bytes(1), 1, { owner: "ada" });
        await store.store("c", bytes(1), HOUR, { owner: "bob" });
        await store.store("e", bytes(1), HOUR);
        await waitUntilExpired(store, "d");
        expect((await store.sessionsOf("ada")).map((owned) => owned.id).sort()).toEqual(["a", "b"]);
        const explained = await client
          .db()
          .collection(collection)
          .find({ owner: "ada", revoked: { $exists: false }, $expr: { $gt: ["$expiresAt", "$$NOW"] } })
          .explain("queryPlanner");
        expect(JSON.stringify(explained.queryPlanner?.winningPlan)).toContain(OWNER_INDEX_NAME);
        expect(await store.removeSessionsOf("ada", { except: "b" })).toBe(1);
        expect(await store.store("a", bytes(2), HOUR)).toBe(false);
        expect((await store.sessionsOf("ada")).map((owned) => owned.id)).toEqual(["b"]);
        expect(await store.removeSessionsOf("ada")).toBe(1);
        expect(await store.sessionsOf("ada")).toEqual([]);
        expect(await store.load("c")).toEqual(bytes(1));
      });

      it("entries pages through every live session; count counts them; clear keeps revocations", async () => {
        const store = open({ url, collection: fresh() });
        const ids = Array.from({ length: 25 }, (_, index) => `s${index}`);
        for (const id of ids) await store.store(id, bytes(1), HOUR, { owner: "ada" });
        await store.store("gone", bytes(1), 1);
        await store.revoke("s0");
        await waitUntilExpired(store, "gone");
        const listed: string[] = [];
        for await (const entry of store.entries({ batchSize: 4 })) {
          listed.push(entry.id);
          expect(entry.owner).toBe("ada");
        }
        expect(listed.sort()).toEqual(ids.slice(1).sort());
        expect(await store.count()).toBe(24);
        expect(await store.clear()).toBe(24);
        expect(await store.count()).toBe(0);
        expect(await store.store("s0", bytes(2), HOUR)).toBe(false);
        expect(await store.store("s1", bytes(2), HOUR)).toBe(true);
      });

      it("sweep also deletes ended revocations and counts them", async () => {
        const collection = fresh();
        const store = open({ url, collection, sweep: true, revocationGraceMs: 1 });
        await store.revoke("id");
        await new Promise((resolve) => setTimeout(resolve, 50));
        expect(await store.sweep?.()).toBe(1);
        expect(await client.db().collection(collection).countDocuments()).toBe(0);
      });

      it("every command carries maxTimeMS and the server accepts it", async () => {
        const own = new MongoClient(url, { monitorCommands: true });
        const started: Document[] = [];
        own.on("commandStarted", (event) => started.push(event.command));
        const store = new MongoStore({ client: own, collection: fresh(), sweep: true });
        await store.setup();
        await store.store("id", bytes(1), HOUR, { owner: "ada" });
        await store.load("id");
        await store.revoke("id");
        await store.sessionsOf("ada");
        await store.count();
        await store.sweep?.();
        const sent = started.filter((command) => !("createIndexes" in command) && !("endSessions" in command));
        expect(sent.length).toBeGreaterThan(5);
        for (const command of sent) expect(command.maxTimeMS, JSON.stringify(command)).toBe(5_000);
        await store.close();
        await own.close();
      });
    });
  },
);
