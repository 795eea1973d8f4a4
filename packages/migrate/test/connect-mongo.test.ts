import { ExpressSessionStore } from "@session-store/express";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConnectMongoDocument } from "../src/index.js";
import { ConnectMongoReader, decodeConnectMongoDocument } from "../src/index.js";

const HOUR = 3_600_000;
const NOW = Date.UTC(2030, 0, 1);
const text = (data: Uint8Array | undefined) => (data === undefined ? undefined : new TextDecoder().decode(data));

// A session as express-session hands it to connect-mongo, and the two ways connect-mongo keeps it.
const cookieExpires = new Date(NOW + HOUR);
const sessionObject = { cookie: { originalMaxAge: HOUR, expires: cookieExpires, httpOnly: true, path: "/" }, user: "alice" };
const asString: ConnectMongoDocument = { _id: "s1", session: JSON.stringify(sessionObject), expires: cookieExpires };
const asObject: ConnectMongoDocument = { _id: "s2", session: sessionObject, expires: cookieExpires };

describe("connect-mongo documents, decoded without a server", () => {
  it("a string session (stringify: true, the default) is its text as UTF-8 bytes, expiring at `expires`", () => {
    const entry = decodeConnectMongoDocument(asString, NOW);
    expect(text(entry?.data)).toBe(asString.session);
    expect(entry?.expiresAt).toBe(NOW + HOUR);
  });

  it("an object session (stringify: false) is its JSON, the cookie's Date as ISO text like express-session's own", () => {
    const entry = decodeConnectMongoDocument(asObject, NOW);
    expect(text(entry?.data)).toBe(JSON.stringify(sessionObject));
    expect(JSON.parse(text(entry?.data) as string)).toMatchObject({ user: "alice", cookie: { expires: cookieExpires.toISOString() } });
  });

  it("expired, expiry-less and session-less documents are no session", () => {
    expect(decodeConnectMongoDocument(asString, NOW + HOUR)).toBeUndefined();
    expect(decodeConnectMongoDocument({ _id: "x", session: "{}" }, NOW)).toBeUndefined();
    expect(decodeConnectMongoDocument({ _id: "x", expires: cookieExpires }, NOW)).toBeUndefined();
    expect(decodeConnectMongoDocument({ _id: "x", session: [1], expires: cookieExpires }, NOW)).toBeUndefined();
  });

  it("our bridge decodes both shapes to the session", async () => {
    const documents = new Map([asString, asObject].map((document) => [document._id, { ...document, expires: new Date(Date.now() + HOUR) }]));
    const collection = {
      findOne: async (filter: { _id: string }) => documents.get(filter._id) ?? null,
      find: () => ({ sort: () => ({ limit: () => ({ toArray: async () => [...documents.values()] }) }) }),
      countDocuments: async () => documents.size,
    };
    const bridge = new ExpressSessionStore(new ConnectMongoReader({ collection }));
    expect(await bridge.get("s1")).toMatchObject({ user: "alice" });
    expect(await bridge.get("s2")).toMatchObject({ user: "alice" });
  });
});

const mongoUrl = process.env.MONGO_URL;

describe.skipIf(mongoUrl === undefined)(`connect-mongo reader on a real server${mongoUrl ? "" : " (skipped: set MONGO_URL)"}`, () => {
  let client: MongoClient;
  const database = `ss_migrate_${process.pid}_${Date.now()}`;

  beforeAll(async () => {
    client = await new MongoClient(mongoUrl as string).connect();
    const now = Date.now();
    // The documents connect-mongo writes: _id the sid, session the JSON text, expires a Date.
    await client
      .db(database)
      .collection<ConnectMongoDocument>("sessions")
      .insertMany([
        { _id: "a", session: JSON.stringify({ cookie: {}, user: "a" }), expires: new Date(now + HOUR) },
        { _id: "b", session: { cookie: {}, user: "b" }, expires: new Date(now + HOUR) },
        { _id: "c", session: "{}", expires: new Date(now - 1000) },
      ]);
  });
  afterAll(async () => {
    await client?.db(database).dropDatabase();
    await client?.close();
  });

  it("reads, lists and counts the live documents", async () => {
    const reader = new ConnectMongoReader({ collection: client.db(database).collection("sessions") });
    expect(text(await reader.load("a"))).toContain('"user":"a"');
    expect(await reader.entry("c")).toBeUndefined();
    const listed = [];
    for await (const entry of reader.entries({ batchSize: 1 })) listed.push(entry.id);
    expect(listed).toEqual(["a", "b"]);
    expect(await reader.count()).toBe(2);
  });
});
