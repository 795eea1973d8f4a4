import { randomBytes } from "node:crypto";
import { inspect } from "node:util";
import { SessionStoreError } from "@session-store/core";
import type { OwnRedis } from "@session-store/harness";
import { commandSkip, freePort, HOUR, settle, startRedisServer } from "@session-store/harness";
import { Redis } from "ioredis";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisStore } from "../src/index.js";

const TIMEOUT_MS = 1_000;
const PREFIX = `error-shapes-${randomBytes(4).toString("hex")}:`;
const PASSWORD = `pw-${randomBytes(8).toString("hex")}`;
const skip = await commandSkip("redis", "redis-server");
const title = skip ? `what a Redis error carries (skipped: ${skip})` : "what a Redis error carries";

type Driver = "owned" | "ioredis" | "node-redis";
const DRIVERS: readonly Driver[] = ["owned", "ioredis", "node-redis"];

/** A store on `url` with the given driver, and how to release what it opened. */
async function openStore(driver: Driver, url: string): Promise<{ store: RedisStore; release: () => Promise<void> }> {
  if (driver === "owned") {
    const store = new RedisStore({ url, prefix: PREFIX, timeoutMs: TIMEOUT_MS });
    return { store, release: () => store.close() };
  }
  if (driver === "ioredis") {
    const client = new Redis(url, { maxRetriesPerRequest: 0 });
    client.on("error", () => undefined);
    const store = new RedisStore({ client, prefix: PREFIX, timeoutMs: TIMEOUT_MS });
    return { store, release: async () => void client.disconnect() };
  }
  const client = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: TIMEOUT_MS } });
  client.on("error", () => undefined);
  await client.connect().catch(() => undefined);
  const store = new RedisStore({ client, prefix: PREFIX, timeoutMs: TIMEOUT_MS });
  return { store, release: async () => void (client.isOpen ? client.destroy() : undefined) };
}

/** Every text form of `value` that could reveal it. */
function forms(value: string): string[] {
  const bytes = Buffer.from(value);
  return [value, bytes.toString("hex"), bytes.toString("base64"), inspect(bytes).slice(8, 40)];
}

/** Fails unless nothing `error` shows holds the id, the data or the password. */
function expectNothingSecret(error: unknown, secrets: { id: string; data: string }): void {
  expect(error).toBeInstanceOf(SessionStoreError);
  const shown = [inspect(error, { depth: Infinity, showHidden: true }), JSON.stringify(error), String(error)].join("\n");
  for (const secret of [...forms(secrets.id), ...forms(secrets.data), PASSWORD]) expect(shown).not.toContain(secret);
}

const secrets = () => ({ id: `secret-id-${randomBytes(6).toString("hex")}`, data: `secret-data-${randomBytes(12).toString("hex")}` });

describe.skipIf(skip !== undefined)(title, () => {
  // Servers of this test's own, on ephemeral ports.
  let primary: OwnRedis;
  let replica: OwnRedis;
  let full: OwnRedis;
  let locked: OwnRedis;

  beforeAll(async () => {
    primary = await startRedisServer();
    replica = await startRedisServer({ args: ["--replicaof", "127.0.0.1", String(primary.port)] });
    full = await startRedisServer({ args: ["--maxmemory-policy", "noeviction"] });
    // The password is set once the server is up: the harness's readiness check does not authenticate.
    locked = await startRedisServer();
    const admin = new Redis(locked.url);
    await admin.config("SET", "requirepass", PASSWORD);
    admin.disconnect();
    // Filled first, then limited to less than it holds, so that every write is refused with OOM.
    const filler = new Redis(full.url);
    const fill = filler.pipeline();
    for (let i = 0; i < 1_000; i++) fill.set(`filler-${i}`, randomBytes(1024));
    await fill.exec();
    await filler.config("SET", "maxmemory", "1mb");
    filler.disconnect();
  });
  afterAll(async () => {
    for (const server of [primary, replica, full, locked]) await server?.stop();
  });

  /** Runs `call` on a store of each driver on `url`, and checks what its error shows. */
  const check = async (url: string, call: (store: RedisStore, s: { id: string; data: string }) => Promise<unknown>, expected?: RegExp) => {
    for (const driver of DRIVERS) {
      const { store, release } = await openStore(driver, url);
      try {
        const s = secrets();
        const { error } = await settle(call(store, s));
        expectNothingSecret(error, s);
        if (expected) expect(String(error), driver).toMatch(expected);
      } finally {
        await release();
      }
    }
  };
  const write = (store: RedisStore, s: { id: string; data: string }) => store.store(s.id, Buffer.from(s.data), HOUR);

  it("READONLY from a replica", () => check(replica.url, write, /READONLY/));

  it("OOM under noeviction", () => check(full.url, write, /OOM/));

  it("WRONGTYPE on load", async () => {
    const raw = new Redis(primary.url);
    try {
      await check(primary.url, async (store, s) => {
        await raw.lpush(`${PREFIX}${s.id}`, s.data);
        return store.load(s.id);
      }, /WRONGTYPE/);
    } finally {
      raw.disconnect();
    }
  });

  it("a wrong password", () => check(locked.url.replace("redis://", "redis://:wrong-" + PASSWORD + "@"), write));

  it("a server that is down", async () => {
    const port = await freePort();
    await check(`redis://:${PASSWORD}@127.0.0.1:${port}`, write);
  });
});
