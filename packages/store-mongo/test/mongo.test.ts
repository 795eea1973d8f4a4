import { Binary, calculateObjectSize, deserialize, serialize } from "bson";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_ID_BYTES, SessionStoreError } from "@session-store/core";
import type { MongoStoreOptions } from "../src/index.js";
import { MAX_DATA_BYTES, MAX_DOCUMENT_BYTES, mongoIndexCommand, MongoStore } from "../src/index.js";
import { expiryIndex } from "../src/internal.js";
import { fromBinary, toBinary } from "../src/document.js";
import { liveFilter, revokeUpdate, storeUpdate, touchUpdate } from "../src/queries.js";
import type { TcpProxy } from "@session-store/harness";
import { HOUR, settle } from "@session-store/harness";
import { startSilentServer } from "./support.js";

/** The bound the size-limit tests give each call. */
const TIMEOUT_MS = 500;

/** Through the real BSON serializer and back, as the bytes travel to the server and return. */
function throughBson(data: Uint8Array, options: { promoteBuffers?: boolean } = {}): Uint8Array {
  const document = deserialize(serialize({ data: toBinary(data) }), options);
  return fromBinary(document.data);
}

describe("bytes to BSON Binary and back, through the bson serializer", () => {
  const allBytes = Uint8Array.from({ length: 256 }, (_, index) => index);

  it("keeps all 256 byte values exactly", () => {
    expect(throughBson(allBytes)).toEqual(allBytes);
  });

  it("keeps empty data as empty bytes", () => {
    const result = throughBson(new Uint8Array(0));
    expect(result).toBeInstanceOf(Uint8Array);
    expect(result.byteLength).toBe(0);
  });

  it("takes only a view's bytes, not its backing buffer's", () => {
    const backing = Uint8Array.from({ length: 64 }, (_, index) => 255 - index);
    const view = backing.subarray(7, 40);
    expect(view.byteOffset).toBe(7);
    expect(throughBson(view)).toEqual(backing.slice(7, 40));
  });

  it("also reads data from a client with promoteBuffers: true", () => {
    expect(throughBson(allBytes, { promoteBuffers: true })).toEqual(allBytes);
  });

  it("writes BSON binary subtype 0", () => {
    const document = deserialize(serialize({ data: toBinary(allBytes) }));
    expect(document.data).toBeInstanceOf(Binary);
    expect((document.data as Binary).sub_type).toBe(Binary.SUBTYPE_DEFAULT);
  });

  it("copies the caller's bytes when it builds the Binary", () => {
    const data = Uint8Array.from([1, 2, 3]);
    const binary = toBinary(data);
    data.fill(9);
    expect(fromBinary(deserialize(serialize({ data: binary })).data)).toEqual(Uint8Array.from([1, 2, 3]));
  });

  it("returns bytes of their own, not a view into the driver's response buffer", () => {
    const document = deserialize(serialize({ other: "x".repeat(100), data: toBinary(allBytes) }));
    const first = fromBinary(document.data);
    expect(first.byteOffset).toBe(0);
    expect(first.buffer.byteLength).toBe(256);
    first.fill(0);
    expect(fromBinary(document.data)).toEqual(allBytes);
  });

  it("refuses a data field that is not binary", () => {
    expect(() => fromBinary("not bytes")).toThrow(TypeError);
  });
});

describe("documents and commands", () => {
  it("an id that looks like an operator stays a plain string _id", () => {
    for (const id of ['{"$gt":""}', "$where", "$ne", "a.b", "$$NOW"]) {
      const { q } = deserialize(serialize({ q: liveFilter(id) }));
      expect(q._id, `id ${id}`).toBe(id);
      expect(q.$expr).toEqual({ $gt: ["$expiresAt", "$$NOW"] });
    }
  });

  it("store sets the data as a literal and the expiry as a server Date plus milliseconds", () => {
    const binary = toBinary(Uint8Array.from([36, 36, 78, 79, 87])); // "$$NOW" as bytes is still data
    const [stage] = deserialize(serialize({ u: storeUpdate(binary, 1_500) })).u as Record<string, unknown>[];
    const session = { _id: "$_id", data: { $literal: binary }, expiresAt: { $add: ["$$NOW", 1_500] } };
    const liveRevocation = { $and: [{ $eq: ["$revoked", true] }, { $gt: ["$expiresAt", "$$NOW"] }] };
    expect(stage).toEqual({ $replaceWith: { $cond: [liveRevocation, "$$ROOT", session] } });
  });

  it("store with an owner replaces the owner too, as a literal; without one the owner is gone", () => {
    const binary = toBinary(Uint8Array.from([1]));
    const replacement = (owner?: string) =>
      (deserialize(serialize({ u: storeUpdate(binary, 10, owner) })).u[0].$replaceWith.$cond as unknown[])[2];
    expect(replacement("$$ROOT")).toMatchObject({ owner: { $literal: "$$ROOT" } });
    expect(replacement()).not.toHaveProperty("owner");
  });

  it("revoke turns the document into a revocation lasting until the later of its expiry and the grace", () => {
    expect(revokeUpdate(60_000)).toEqual([
      { $replaceWith: { _id: "$_id", revoked: true, expiresAt: { $max: [{ $add: ["$$NOW", 60_000] }, "$expiresAt"] } } },
    ]);
  });

  it("every per-id read and conditional write skips revocations", () => {
    expect(liveFilter("id")).toEqual({ _id: "id", revoked: { $exists: false }, $expr: { $gt: ["$expiresAt", "$$NOW"] } });
  });

  it("touch moves only the expiry", () => {
    expect(touchUpdate(2_000)).toEqual([{ $set: { expiresAt: { $add: ["$$NOW", 2_000] } } }]);
  });

  it("MAX_DATA_BYTES is exactly what fits in 16 MiB with the longest id and owner", () => {
    for (const id of ["a".repeat(MAX_ID_BYTES), "é".repeat(MAX_ID_BYTES / 2), "😀".repeat(MAX_ID_BYTES / 4)]) {
      const document = (size: number) => ({ _id: id, data: new Binary(new Uint8Array(size)), expiresAt: new Date(), owner: id });
      expect(calculateObjectSize(document(MAX_DATA_BYTES))).toBe(MAX_DOCUMENT_BYTES);
      expect(calculateObjectSize(document(MAX_DATA_BYTES + 1))).toBe(MAX_DOCUMENT_BYTES + 1);
    }
    const longest = "a".repeat(MAX_ID_BYTES);
    const largest = serialize({ _id: longest, data: new Binary(new Uint8Array(MAX_DATA_BYTES)), expiresAt: new Date(), owner: longest });
    expect(largest.byteLength).toBe(16 * 1024 * 1024);
  });

  it("the expiry index is { expiresAt: 1 } with expireAfterSeconds 0, or plain in sweep mode", () => {
    expect(expiryIndex("ttl")).toEqual({ key: { expiresAt: 1 }, options: { name: "expiresAt_1", expireAfterSeconds: 0 } });
    expect(expiryIndex("sweep")).toEqual({ key: { expiresAt: 1 }, options: { name: "expiresAt_1" } });
  });

  it("exports the index as a mongosh command for operators", () => {
    const owner = '{"key":{"owner":1},"name":"owner_1","partialFilterExpression":{"owner":{"$exists":true}}}';
    expect(mongoIndexCommand()).toBe(
      `db.runCommand({"createIndexes":"sessions","indexes":[{"key":{"expiresAt":1},"name":"expiresAt_1","expireAfterSeconds":0},${owner}]})`,
    );
    expect(mongoIndexCommand("app_sessions", { sweep: true })).toBe(
      `db.runCommand({"createIndexes":"app_sessions","indexes":[{"key":{"expiresAt":1},"name":"expiresAt_1"},${owner}]})`,
    );
    expect(() => mongoIndexCommand('x"); db.dropDatabase(); ("')).toThrow(RangeError);
  });
});

describe("options", () => {
  const url = "mongodb://127.0.0.1:1/test";
  const client = new MongoClient(url);
  afterAll(() => client.close());

  const bad: Array<[string, unknown, typeof TypeError | typeof RangeError]> = [
    ["no options", undefined, TypeError],
    ["none of client, db, url", {}, TypeError],
    ["both client and url", { client, url }, TypeError],
    ["both client and db", { client, db: client.db() }, TypeError],
    ["a client that is not one", { client: {} }, TypeError],
    ["a db that is not one", { db: "test" }, TypeError],
    ["database with db", { db: client.db(), database: "other" }, TypeError],
    ["clientOptions with a caller's client", { client, clientOptions: {} }, TypeError],
    ["a url that is not a string", { url: 27017 }, TypeError],
    ["a url of another scheme", { url: "postgres://127.0.0.1/test" }, RangeError],
    ["a database with a dot", { url, database: "a.b" }, RangeError],
    ["an empty database", { url, database: "" }, RangeError],
    ["a 64-byte database", { url, database: "d".repeat(64) }, RangeError],
    ["a collection with a dot", { url, collection: "system.sessions" }, RangeError],
    ["a collection with a quote", { url, collection: 'a"b' }, RangeError],
    ["a collection that is not a string", { url, collection: 7 }, TypeError],
    ["timeoutMs 0", { url, timeoutMs: 0 }, RangeError],
    ["timeoutMs NaN", { url, timeoutMs: Number.NaN }, RangeError],
    ["timeoutMs as a string", { url, timeoutMs: "5000" }, TypeError],
    ["createIndexes as a string", { url, createIndexes: "yes" }, TypeError],
    ["sweep as a string", { url, sweep: "yes" }, TypeError],
    ["sweepBatchSize without sweep", { url, sweepBatchSize: 10 }, TypeError],
    ["sweepIntervalMs without sweep", { url, sweepIntervalMs: 1_000 }, TypeError],
    ["sweepBatchSize 0", { url, sweep: true, sweepBatchSize: 0 }, RangeError],
    ["sweepBatchSize 1.5", { url, sweep: true, sweepBatchSize: 1.5 }, RangeError],
    ["sweepIntervalMs -1", { url, sweep: true, sweepIntervalMs: -1 }, RangeError],
    ["revocationGraceMs 0", { url, revocationGraceMs: 0 }, RangeError],
    ["revocationGraceMs as a string", { url, revocationGraceMs: "60000" }, TypeError],
    ["an unacknowledged write concern in the url", { url: `${url}?w=0` }, RangeError],
  ];
  for (const [what, options, errorClass] of bad) {
    it(`refuses ${what} with ${errorClass.name}`, () => {
      expect(() => new MongoStore(options as MongoStoreOptions)).toThrow(errorClass);
    });
  }

  it("refuses an unknown option with a TypeError naming the one meant", () => {
    expect(() => new MongoStore({ url, sweepInterval: 1_000 } as MongoStoreOptions)).toThrow(
      new TypeError("MongoStore has no option `sweepInterval`; did you mean `sweepIntervalMs`?"),
    );
    expect(() => new MongoStore({ url, colection: "app" } as MongoStoreOptions)).toThrow(/`colection`; did you mean `collection`\?/);
    expect(() => new MongoStore({ client, timeout: 1_000 } as MongoStoreOptions)).toThrow(/did you mean `timeoutMs`\?/);
    expect(() => new MongoStore({ url, readPreference: "primary" } as MongoStoreOptions)).toThrow(
      expect.objectContaining({ name: "TypeError", message: expect.stringMatching(/^MongoStore has no option `readPreference`/) }),
    );
  });

  it("accepts every documented option", async () => {
    const store = new MongoStore({
      url,
      database: "app",
      clientOptions: { appName: "test" },
      collection: "app_sessions",
      createIndexes: false,
      timeoutMs: 1_000,
      revocationGraceMs: 1_000,
      sweep: true,
      sweepBatchSize: 10,
      sweepIntervalMs: 60_000,
    });
    await store.close();
  });

  it("never repeats a url's password in an option error", () => {
    expect(() => new MongoStore({ url: "http://admin:hunter2@127.0.0.1/test" })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining("hunter2") }),
    );
  });

  it("accepts a caller's client, a caller's Db and a url", async () => {
    const stores = [
      new MongoStore({ client }),
      new MongoStore({ client, database: "other" }),
      new MongoStore({ db: client.db("third") }),
      new MongoStore({ url, collection: "app_sessions", timeoutMs: 1_000, createIndexes: false }),
    ];
    await Promise.all(stores.map((store) => store.close()));
  });

  it("has no sweep method unless sweep is on", async () => {
    const native = new MongoStore({ url });
    const sweeping = new MongoStore({ url, sweep: true });
    expect("sweep" in native).toBe(false);
    expect(typeof sweeping.sweep).toBe("function");
    await Promise.all([native.close(), sweeping.close()]);
  });
});

describe("the 16 MiB document limit", () => {
  let server: TcpProxy;
  let store: MongoStore;
  beforeAll(async () => {
    const silent = await startSilentServer();
    server = silent.server;
    store = new MongoStore({ url: silent.url, timeoutMs: TIMEOUT_MS });
  });
  afterAll(async () => {
    await store.close();
    await server.stop();
  });

  it("data over the limit rejects with a SessionStoreError naming it, before anything is sent", async () => {
    for (const size of [MAX_DATA_BYTES + 1, 20 * 1024 * 1024]) {
      const { error } = await settle(store.store("id", new Uint8Array(size), HOUR));
      expect(error).toBeInstanceOf(SessionStoreError);
      expect((error as Error).message).toMatch(/limit/);
      expect((error as Error).message).toContain(`${MAX_DATA_BYTES} bytes`);
      expect((error as Error).message).toContain("16 MiB");
    }
    expect(server.connections().accepted, "connections the store opened").toBe(0);
  });

  it("data of exactly the limit is sent (here it times out instead)", async () => {
    const { error } = await settle(store.store("id", new Uint8Array(MAX_DATA_BYTES), HOUR));
    expect(error).toBeInstanceOf(SessionStoreError);
    expect((error as Error).message).not.toMatch(/limit/);
  });
});
