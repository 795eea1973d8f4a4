import { inspect } from "node:util";
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SessionStoreError } from "@session-store/core";
import type { TcpProxy } from "@session-store/harness";
import { freePort, HOUR, settle } from "@session-store/harness";
import { MongoStore } from "../src/index.js";
import type { InstalledApp } from "./installed-app.js";
import { installedApp } from "./installed-app.js";
import { startStubServer } from "./stub-server.js";
import { startSilentServer } from "./support.js";

/*
 * Issue 13 item 7 and issue 16, without a server: a closed port (nothing listens) and
 * a black hole (a loopback server that accepts and never answers).
 */

/** The bound each call gets, and the scheduling slack a loaded 2-core machine may add. */
const TIMEOUT_MS = 500;
const SLACK_MS = 2_000;
/** How many times every operation runs at once in the concurrent rounds. */
const REPEATS = 50;
const SECRET = "hunter2";

/** Every operation but close, each as one call. */
const CALLS: ReadonlyArray<readonly [string, (store: MongoStore) => Promise<unknown>]> = [
  ["load", (store) => store.load("id")],
  ["store", (store) => store.store("id", Uint8Array.from([1]), HOUR, { owner: "owner" })],
  ["remove", (store) => store.remove("id")],
  ["touch", (store) => store.touch("id", HOUR)],
  ["entry", (store) => store.entry("id")],
  ["revoke", (store) => store.revoke("id")],
  ["sessionsOf", (store) => store.sessionsOf("owner")],
  ["removeSessionsOf", (store) => store.removeSessionsOf("owner")],
  ["entries", (store) => store.entries()[Symbol.asyncIterator]().next()],
  ["count", (store) => store.count()],
  ["clear", (store) => store.clear()],
  ["ping", (store) => store.ping()],
  ["sweep", (store) => (store.sweep as () => Promise<number>)()],
];

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
let silent: { server: TcpProxy; url: string };
let refusedPort: number;
let refusedUrl: string;
beforeAll(async () => {
  process.on("unhandledRejection", onUnhandled);
  silent = await startSilentServer();
  // A port the OS just gave out and took back: nothing listens on it.
  refusedPort = await freePort();
  refusedUrl = `mongodb://admin:${SECRET}@127.0.0.1:${refusedPort}/test`;
});
afterAll(async () => {
  await silent.server.stop();
  process.off("unhandledRejection", onUnhandled);
  expect(unhandled).toEqual([]);
});

/** Checks one call's outcome: a SessionStoreError of that operation, within the bound, without the password. */
function expectBounded(operation: string, outcome: { error?: unknown; ms: number }, message: RegExp): void {
  const { error, ms } = outcome;
  expect(error, operation).toBeInstanceOf(SessionStoreError);
  expect((error as SessionStoreError).operation, operation).toBe(operation);
  expect((error as Error).message, operation).toMatch(message);
  // A client whose first connect failed must be connected again, not left closed for good.
  expect((error as Error).message, operation).not.toMatch(/topology is closed/i);
  expect(inspect(error, { depth: 10 }), operation).not.toContain(SECRET);
  expect(ms, `${operation}: ms`).toBeLessThan(TIMEOUT_MS + SLACK_MS);
}

/** Every operation, twice in turn (the second round must not be stuck behind the first), then close. */
async function expectEachBounded(store: MongoStore, message: RegExp): Promise<void> {
  for (let round = 1; round <= 2; round += 1) {
    for (const [operation, call] of CALLS) expectBounded(operation, await settle(call(store)), message);
  }
  const closed = await settle(store.close());
  expect(closed.error).toBeUndefined();
  expect(closed.ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
}

/** Every operation `REPEATS` times, all at once, then close. */
async function expectConcurrentBounded(store: MongoStore, message: RegExp): Promise<void> {
  const calls = CALLS.flatMap(([operation, call]) => Array.from({ length: REPEATS }, () => [operation, call] as const));
  const outcomes = await Promise.all(calls.map(([operation, call]) => settle(call(store)).then((outcome) => ({ operation, outcome }))));
  for (const { operation, outcome } of outcomes) expectBounded(operation, outcome, message);
  const closed = await settle(store.close());
  expect(closed.error).toBeUndefined();
  expect(closed.ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
}

const newStore = (url: string) => new MongoStore({ url, timeoutMs: TIMEOUT_MS, sweep: true });
const refusedMessage = () => new RegExp(`: cannot reach 127\\.0\\.0\\.1:${refusedPort} \\(connection refused\\)$`);

describe("a closed port", () => {
  it("every operation rejects within timeoutMs, saying it cannot reach host:port (connection refused)", async () => {
    await expectEachBounded(newStore(refusedUrl), refusedMessage());
  });

  it(`${REPEATS} of every operation at once: the same`, async () => {
    await expectConcurrentBounded(newStore(refusedUrl), refusedMessage());
  });

  it("the driver's own error says it too, when the driver gives up first", async () => {
    const store = new MongoStore({ url: refusedUrl, timeoutMs: 5_000, clientOptions: { serverSelectionTimeoutMS: 200 } });
    const { error } = await settle(store.load("id"));
    expect((error as Error).message).toBe(`mongo store: load failed: cannot reach 127.0.0.1:${refusedPort} (connection refused)`);
    expect((error as Error).cause).toMatchObject({ name: "MongoServerSelectionError" });
    await store.close();
  });
});

describe("a black hole (accepts, never answers)", () => {
  it("every operation rejects within timeoutMs", async () => {
    await expectEachBounded(newStore(silent.url), /timed out/);
  });

  it(`${REPEATS} of every operation at once: the same`, async () => {
    await expectConcurrentBounded(newStore(silent.url), /timed out/);
  });

  it("after a failed first connect, the next call reaches for the server again", async () => {
    // The driver gives up before the store's deadline, so each call sees its own connect attempt end.
    const clientOptions = { serverSelectionTimeoutMS: 200, connectTimeoutMS: 200 };
    const store = new MongoStore({ url: silent.url, timeoutMs: TIMEOUT_MS, clientOptions });
    const before = silent.server.connections().accepted;
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      const { error } = await settle(store.load("id"));
      expect((error as Error).message, `attempt ${attempt}`).toMatch(/load failed: (cannot reach 127\.0\.0\.1:\d+ \(timed out\)|.*server selection)/i);
      expect(silent.server.connections().accepted, `connections after attempt ${attempt}`).toBeGreaterThanOrEqual(before + attempt);
    }
    await store.close();
  });

  it("a caller's client with long driver timeouts: the store's bound still holds", async () => {
    const client = new MongoClient(silent.url, { serverSelectionTimeoutMS: 30_000, connectTimeoutMS: 30_000 });
    const store = new MongoStore({ client, timeoutMs: TIMEOUT_MS, createIndexes: false, sweep: true });
    await expectEachBounded(store, /timed out/);
    await client.close();
  });
});

describe("a server that answers the handshake, then not a command", () => {
  it("a timeout says only that: the server is reachable", async () => {
    const stub = await startStubServer((_command, name) => (name === "find" ? undefined : { ok: 1 }));
    const store = new MongoStore({ url: stub.url, timeoutMs: TIMEOUT_MS, createIndexes: false });
    const { error } = await settle(store.load("id"));
    expect((error as Error).message).toBe(`mongo store: load timed out after ${TIMEOUT_MS} ms`);
    await store.close();
    await stub.stop();
  });
});

describe("closed stores", () => {
  it("after close, calls reject with the closed error, arguments still checked first", async () => {
    const store = newStore(refusedUrl);
    await store.close();
    await store.close();
    await expect(store.load("id")).rejects.toThrow(/closed/);
    await expect(store.load("")).rejects.toThrow(RangeError);
  });
});

describe("a process that ran all of this exits by itself", () => {
  let app: InstalledApp;
  beforeAll(async () => {
    app = await installedApp({ driver: true });
  }, 60_000);
  afterAll(() => app.remove());

  it(`${REPEATS} of every operation against both, then close: no unhandled rejection, no timer or socket left`, async () => {
    const script = `
      import { MongoStore } from "@session-store/store-mongo";
      const unhandled = [];
      process.on("unhandledRejection", (reason) => unhandled.push(String(reason)));
      const calls = ${JSON.stringify(CALLS.map(([operation]) => operation))};
      const errors = {};
      for (const url of process.argv.slice(1)) {
        const store = new MongoStore({ url, timeoutMs: ${TIMEOUT_MS}, sweep: true });
        const run = (operation) => operation === "entries" ? store.entries().next()
          : operation === "store" ? store.store("id", new Uint8Array([1]), 60_000)
          : ["load", "remove", "entry", "revoke"].includes(operation) ? store[operation]("id")
          : operation === "touch" ? store.touch("id", 60_000)
          : ["sessionsOf", "removeSessionsOf"].includes(operation) ? store[operation]("owner")
          : store[operation]();
        const work = calls.flatMap((operation) => Array.from({ length: ${REPEATS} }, () => run(operation)));
        for (const outcome of await Promise.allSettled(work)) {
          const name = outcome.status === "rejected" ? outcome.reason.name : "resolved";
          errors[name] = (errors[name] ?? 0) + 1;
        }
        await store.close();
      }
      // Let anything a store left behind fire before reporting.
      setImmediate(() => console.log(JSON.stringify({ errors, unhandled })));`;
    const started = performance.now();
    const { stdout } = await app.run(script, { args: [refusedUrl, silent.url], timeoutMs: 30_000 });
    expect(JSON.parse(stdout)).toEqual({ errors: { SessionStoreError: 2 * CALLS.length * REPEATS }, unhandled: [] });
    // It ended by itself, well before the kill at 30 s: nothing held the event loop open.
    expect(performance.now() - started).toBeLessThan(25_000);
  });
});
