import { Binary } from "bson";
import type { Document } from "bson";
import { MongoClient } from "mongodb";
import { afterEach, describe, expect, it } from "vitest";
import { SessionStoreError } from "@session-store/core";
import { HOUR, settle } from "@session-store/harness";
import type { MongoStoreOptions } from "../src/index.js";
import { MongoStore } from "../src/index.js";
import type { StubReply, StubServer } from "./stub-server.js";
import { defaultReply, startStubServer } from "./stub-server.js";

/*
 * Against a stub mongos on a loopback socket: the driver builds and sends the real
 * commands, the stub records them and answers as a server would.
 */

const TIMEOUT_MS = 400;
const SLACK_MS = 2_000;

let open: Array<{ store: MongoStore; client?: MongoClient; stub: StubServer }> = [];
afterEach(async () => {
  for (const { store, client, stub } of open) {
    await store.close();
    await client?.close();
    await stub.stop();
  }
  open = [];
});

async function stubbed(
  reply: StubReply = () => defaultReply,
  options: Partial<MongoStoreOptions> & { readPreference?: "secondaryPreferred" } = {},
): Promise<{ store: MongoStore; stub: StubServer; sent: (name: string) => Document[] }> {
  const stub = await startStubServer(reply);
  const { readPreference, ...storeOptions } = options;
  const client = new MongoClient(stub.url, { readPreference: readPreference ?? "primary", serverSelectionTimeoutMS: 2_000 });
  const store = new MongoStore({ timeoutMs: TIMEOUT_MS, ...storeOptions, client } as MongoStoreOptions);
  open.push({ store, client, stub });
  const sent = (name: string) => stub.commands.filter((command) => Object.keys(command)[0] === name);
  return { store, stub, sent };
}

const session = (id: string, owner?: string) => ({
  _id: id,
  data: new Binary(Uint8Array.from([1, 2])),
  expiresAt: new Date(Date.now() + HOUR),
  ...(owner === undefined ? {} : { owner }),
});

function cursor(command: Document, documents: Document[]): Document {
  return { cursor: { id: 0n, ns: `test.${String(command.find ?? command.aggregate)}`, firstBatch: documents }, ok: 1 };
}

describe("issue 13.2: every operation reads and writes the primary, whatever the client's read preference", () => {
  it("no command carries the client's secondaryPreferred, and each carries maxTimeMS = timeoutMs", async () => {
    const { store, stub } = await stubbed(() => defaultReply, { readPreference: "secondaryPreferred", sweep: true, createIndexes: false });
    await store.load("id");
    await store.store("id", Uint8Array.from([1]), HOUR, { owner: "ada" });
    await store.remove("id");
    await store.touch("id", HOUR);
    await store.entry("id");
    await store.revoke("id");
    await store.sessionsOf("ada");
    await store.removeSessionsOf("ada", { except: "id" });
    for await (const listed of store.entries()) void listed;
    await store.count();
    await store.clear();
    await store.sweep?.();
    const names = new Set(stub.commands.map((command) => Object.keys(command)[0]));
    expect([...names].sort()).toEqual(["aggregate", "delete", "find", "hello", "update"]);
    for (const command of stub.commands) {
      // Through mongos, primary is the one mode drivers send no $readPreference for.
      expect(command.$readPreference, JSON.stringify(command)).toBeUndefined();
      expect(command.maxTimeMS, JSON.stringify(command)).toBe(TIMEOUT_MS);
    }
  });
});

describe("issue 13.1: remove's answer is the server's delete count, which a retried write keeps", () => {
  it("one delete of the live session (limit 1), no findAndModify; n decides", async () => {
    let n = 1;
    const { store, stub, sent } = await stubbed((_, name) => (name === "delete" ? { n, ok: 1 } : defaultReply), { createIndexes: false });
    expect(await store.remove("id")).toBe(true);
    n = 0;
    expect(await store.remove("id")).toBe(false);
    expect(sent("findAndModify")).toEqual([]);
    const [first] = sent("delete");
    expect(first?.deletes).toEqual([
      { q: { _id: "id", revoked: { $exists: false }, $expr: { $gt: ["$expiresAt", "$$NOW"] } }, limit: 1 },
    ]);
    // A retryable write: the driver numbers it, so a retry is answered from the oplog.
    expect(first?.txnNumber).toBeDefined();
    expect(stub.commands).toHaveLength(2);
  });
});

describe("issue 13.3: the indexes are set up once, in the background", () => {
  it("calls do not wait for an index build that never ends, and start it once", async () => {
    const { store, sent } = await stubbed((_, name) => (name === "createIndexes" ? undefined : defaultReply));
    for (let call = 0; call < 5; call += 1) {
      const { error, ms } = await settle(store.load("id"));
      expect(error).toBeUndefined();
      expect(ms).toBeLessThan(TIMEOUT_MS);
    }
    expect(sent("createIndexes")).toHaveLength(1);
    const { error } = await settle(store.setup());
    expect((error as SessionStoreError).message).toMatch(/setup timed out/);
  });

  it("an identical index under another name (code 85) fails setup with the right message, once; calls go on", async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    const conflict = {
      ok: 0,
      code: 85,
      codeName: "IndexOptionsConflict",
      errmsg: "Index already exists with a different name: my_ttl",
    };
    const { store, sent } = await stubbed((_, name) => (name === "createIndexes" ? conflict : defaultReply));
    for (let call = 0; call < 3; call += 1) expect(await store.store("id", Uint8Array.from([1]), HOUR)).toBe(true);
    const { error } = await settle(store.setup());
    process.off("warning", onWarning);
    expect(error).toBeInstanceOf(SessionStoreError);
    expect((error as SessionStoreError).operation).toBe("setup");
    expect((error as Error).message).toMatch(/under another name or with other options/);
    expect((error as Error).message).toMatch(/createIndexes: false/);
    // The background attempt, then the explicit setup(); calls never retried a permanent failure.
    expect(sent("createIndexes")).toHaveLength(2);
    expect(warnings.map((warning) => warning.message)).toEqual([expect.stringMatching(/under another name/)]);
  });

  it("setup() resolves once the indexes exist, and then sends nothing more", async () => {
    const { store, sent } = await stubbed();
    await store.setup();
    await store.setup();
    await store.load("id");
    expect(sent("createIndexes")).toHaveLength(1);
  });
});

describe("issue 13.4: a deadline does not destroy pooled connections", () => {
  /** A server that works until maxTimeMS and then answers MaxTimeMSExpired, as mongod does. */
  const slow: StubReply = async (command, name) => {
    if (name !== "find") return defaultReply;
    await new Promise((resolve) => setTimeout(resolve, Number(command.maxTimeMS)));
    return { ok: 0, code: 50, codeName: "MaxTimeMSExpired", errmsg: "operation exceeded time limit" };
  };

  it("calls that time out on a slow server reuse their connections", async () => {
    const { store, stub } = await stubbed(slow, { createIndexes: false });
    await store.store("warm", Uint8Array.from([1]), HOUR);
    const before = stub.connections();
    for (let call = 0; call < 4; call += 1) {
      const { error, ms } = await settle(store.load("id"));
      expect(error).toBeInstanceOf(SessionStoreError);
      expect(ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    }
    await new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS));
    expect(stub.connections().closed).toBe(before.closed);
    expect(stub.connections().accepted).toBeLessThanOrEqual(before.accepted + 1);
  });

  it("a call the server never answers is aborted after two deadlines, so it does not linger", async () => {
    const { store, stub } = await stubbed((_, name) => (name === "find" ? undefined : defaultReply), { createIndexes: false });
    await store.store("warm", Uint8Array.from([1]), HOUR);
    const { error } = await settle(store.load("id"));
    expect((error as Error).message).toMatch(/load timed out/);
    await expect.poll(() => stub.connections().closed, { timeout: 4 * TIMEOUT_MS + SLACK_MS }).toBeGreaterThan(0);
  });
});

describe("issue 13.5: unacknowledged writes are refused when the store is built", () => {
  it("w: 0 on the client, in the url or on the Db throws RangeError", async () => {
    const client = new MongoClient("mongodb://127.0.0.1:1/test", { writeConcern: { w: 0 } });
    expect(() => new MongoStore({ client })).toThrow(RangeError);
    expect(() => new MongoStore({ url: "mongodb://127.0.0.1:1/test?w=0" })).toThrow(/w: 0/);
    const acknowledged = new MongoClient("mongodb://127.0.0.1:1/test");
    expect(() => new MongoStore({ db: acknowledged.db("test", { writeConcern: { w: 0 } }) })).toThrow(RangeError);
    expect(() => new MongoStore({ client: acknowledged })).not.toThrow();
    await Promise.all([client.close(), acknowledged.close()]);
  });
});

describe("issue 13.6: sweep's server time without hello", () => {
  it("falls back to isMaster when the server has no hello (code 59)", async () => {
    const localTime = new Date(Date.now() - 1_000);
    const { store, sent } = await stubbed(
      (command, name) => {
        if (name === "hello") return { ok: 0, code: 59, codeName: "CommandNotFound", errmsg: "no such command: 'hello'" };
        if (name === "isMaster") return { ismaster: true, localTime, ok: 1 };
        if (name === "delete") return { n: 1, ok: 1 };
        if (name === "find") return cursor(command, [{ _id: "old" }]);
        return defaultReply;
      },
      { sweep: true, sweepBatchSize: 5, createIndexes: false },
    );
    expect(await store.sweep?.()).toBe(1);
    const [find] = sent("find");
    expect(find?.filter).toEqual({ expiresAt: { $lte: localTime } });
  });
});

describe("calls on one id take effect in call order, awaited or not", () => {
  it("a touch sent right after a slow store waits for it; another id does not", async () => {
    const events: string[] = [];
    const { store } = await stubbed(
      async (command, name) => {
        if (name !== "update") return defaultReply;
        const update = command.updates[0] as Document;
        const what = `${update.u[0].$replaceWith === undefined ? "touch" : "store"} ${String(update.q._id)}`;
        events.push(`received ${what}`);
        if (what === "store a") await new Promise((resolve) => setTimeout(resolve, 150));
        events.push(`answered ${what}`);
        return { n: 1, nModified: 1, ok: 1 };
      },
      { createIndexes: false },
    );
    await store.load("warm");
    await Promise.all([store.store("a", Uint8Array.from([1]), HOUR), store.touch("a", HOUR), store.touch("b", HOUR)]);
    expect(events.indexOf("received touch a")).toBeGreaterThan(events.indexOf("answered store a"));
    expect(events.indexOf("received touch b")).toBeLessThan(events.indexOf("answered store a"));
  });
});

describe("management, through the driver's real command building", () => {
  it("store resolves true when it wrote, false when the update left a revocation in place", async () => {
    let update: Document = { n: 1, nModified: 1, ok: 1 };
    let revocation: Document[] = [];
    const { store, sent } = await stubbed(
      (command, name) => (name === "update" ? update : name === "find" ? cursor(command, revocation) : defaultReply),
      { createIndexes: false },
    );
    expect(await store.store("id", Uint8Array.from([1]), HOUR, { owner: "$ada" })).toBe(true);
    update = { n: 1, nModified: 0, upserted: [{ index: 0, _id: "id" }], ok: 1 };
    expect(await store.store("id", Uint8Array.from([1]), HOUR)).toBe(true);
    expect(sent("find")).toEqual([]);
    update = { n: 1, nModified: 0, ok: 1 };
    revocation = [{ _id: "id" }];
    expect(await store.store("id", Uint8Array.from([1]), HOUR)).toBe(false);
    revocation = [];
    expect(await store.store("id", Uint8Array.from([1]), HOUR)).toBe(true);
    expect(sent("find").map((command) => command.filter)).toEqual([
      { _id: "id", revoked: true },
      { _id: "id", revoked: true },
    ]);
    const [first] = sent("update");
    expect(first?.updates[0].q).toEqual({ _id: "id" });
    expect(first?.updates[0].upsert).toBe(true);
    // An owner that looks like a field path stays a value.
    expect(JSON.stringify(first?.updates[0].u)).toContain('"owner":{"$literal":"$ada"}');
  });

  it("revoke: one update when a live session existed, else an upsert of the revocation", async () => {
    let n = 1;
    const { store, sent } = await stubbed((_, name) => (name === "update" ? { n, nModified: n, ok: 1 } : defaultReply), {
      createIndexes: false,
      revocationGraceMs: 1_500,
    });
    expect(await store.revoke("id")).toBe(true);
    expect(sent("update")).toHaveLength(1);
    n = 0;
    expect(await store.revoke("id")).toBe(false);
    const updates = sent("update").map((command) => command.updates[0]);
    expect(updates[1]).toMatchObject({ q: { _id: "id", revoked: { $exists: false } } });
    expect(updates[2]).toMatchObject({ q: { _id: "id" }, upsert: true });
    expect(updates[2].u).toEqual([
      { $replaceWith: { _id: "$_id", revoked: true, expiresAt: { $max: [{ $add: ["$$NOW", 1_500] }, "$expiresAt"] } } },
    ]);
  });

  it("entry maps the document; an owner is present only when stored", async () => {
    const documents = [session("a", "ada"), session("b")];
    const { store } = await stubbed((command, name) => (name === "find" ? cursor(command, [documents.shift() as Document]) : defaultReply), {
      createIndexes: false,
    });
    const withOwner = await store.entry("a");
    expect(withOwner).toMatchObject({ data: Uint8Array.from([1, 2]), owner: "ada" });
    expect(typeof withOwner?.expiresAt).toBe("number");
    const withoutOwner = await store.entry("b");
    expect(withoutOwner).toBeDefined();
    expect("owner" in (withoutOwner as object)).toBe(false);
  });

  it("sessionsOf and removeSessionsOf query the owner index, except excluded", async () => {
    const { store, sent } = await stubbed(
      (command, name) => {
        if (name === "find") return cursor(command, [{ _id: "a", expiresAt: new Date(5_000) }]);
        if (name === "update") return { n: 2, nModified: 2, ok: 1 };
        return defaultReply;
      },
      { createIndexes: false },
    );
    expect(await store.sessionsOf("ada")).toEqual([{ id: "a", expiresAt: 5_000 }]);
    expect(await store.removeSessionsOf("ada", { except: "keep" })).toBe(2);
    expect(sent("find")[0]?.filter).toEqual({ owner: "ada", revoked: { $exists: false }, $expr: { $gt: ["$expiresAt", "$$NOW"] } });
    expect(sent("update")[0]?.updates[0]).toMatchObject({ q: { owner: "ada", _id: { $ne: "keep" } }, multi: true });
  });

  it("entries pages by _id, one batch at a time, and stops at a short batch", async () => {
    const pages = [
      [session("a"), session("b")],
      [session("c"), session("d")],
      [session("e")],
    ];
    const { store, sent } = await stubbed((command, name) => (name === "find" ? cursor(command, pages.shift() ?? []) : defaultReply), {
      createIndexes: false,
    });
    const ids: string[] = [];
    for await (const listed of store.entries({ batchSize: 2 })) ids.push(listed.id);
    expect(ids).toEqual(["a", "b", "c", "d", "e"]);
    const finds = sent("find");
    expect(finds.map((command) => command.filter._id)).toEqual([undefined, { $gt: "b" }, { $gt: "d" }]);
    // The driver asks for limit + 1 in the first batch, so no getMore is left open.
    for (const command of finds) expect(command).toMatchObject({ sort: { _id: 1 }, limit: 2 });
  });

  it("entries rejects bad options on the first next(), sending nothing", async () => {
    const { store, stub } = await stubbed(() => defaultReply, { createIndexes: false });
    const iterator = store.entries({ batchSize: 0 })[Symbol.asyncIterator]();
    await expect(iterator.next()).rejects.toThrow(RangeError);
    await expect(store.entries({ batchSize: "10" as unknown as number })[Symbol.asyncIterator]().next()).rejects.toThrow(TypeError);
    expect(stub.commands).toEqual([]);
  });

  it("clear deletes the live sessions (counted), then the expired ones, never a revocation", async () => {
    const { store, sent } = await stubbed((_, name) => (name === "delete" ? { n: 3, ok: 1 } : defaultReply), { createIndexes: false });
    expect(await store.clear()).toBe(3);
    expect(sent("delete").map((command) => command.deletes[0])).toEqual([
      { q: { revoked: { $exists: false }, $expr: { $gt: ["$expiresAt", "$$NOW"] } }, limit: 0 },
      { q: { revoked: { $exists: false } }, limit: 0 },
    ]);
  });

  it("a failed management call names its operation, never the id or owner", async () => {
    const failing: StubReply = (command) => ({ ok: 0, code: 2, errmsg: `bad value in ${JSON.stringify(command)}` });
    const { store } = await stubbed(failing, { createIndexes: false });
    const calls: Array<[string, () => Promise<unknown>]> = [
      ["entry", () => store.entry("secret-id")],
      ["revoke", () => store.revoke("secret-id")],
      ["sessionsOf", () => store.sessionsOf("secret-owner")],
      ["removeSessionsOf", () => store.removeSessionsOf("secret-owner")],
      ["count", () => store.count()],
      ["clear", () => store.clear()],
      ["store", () => store.store("secret-id", Uint8Array.from([1]), HOUR, { owner: "secret-owner" })],
    ];
    for (const [operation, call] of calls) {
      const { error } = await settle(call());
      expect(error, operation).toBeInstanceOf(SessionStoreError);
      expect((error as SessionStoreError).operation).toBe(operation);
      expect((error as Error).message).toContain(`${operation} failed`);
      expect((error as Error).message).not.toContain("secret-id");
      if (operation !== "store") expect((error as Error).message).not.toContain("secret-owner");
    }
  });
});
