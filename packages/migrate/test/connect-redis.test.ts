import { SessionStoreError } from "@session-store/core";
import { ExpressSessionStore } from "@session-store/express";
import { harness } from "@session-store/harness";
import { RedisStore as OurRedisStore } from "@session-store/store-redis";
import { RedisStore as ConnectRedisStore } from "connect-redis";
import { Redis } from "ioredis";
import type { RedisClientType } from "redis";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IoRedisReaderClient, NodeRedisReaderClient } from "../src/index.js";
import { ConnectRedisReader, migrating } from "../src/index.js";
import type { App } from "./support/app.js";
import { Browser, startApp } from "./support/app.js";

const HOUR = 3_600_000;
const backend = await harness("redis");
/** `actual` is `expected`, or later by no more than one write's latency on a busy machine (never earlier, within clock rounding). */
const expectLaterBy = (actual: number | undefined, expected: number) => {
  expect(actual).toBeGreaterThanOrEqual(expected - 2);
  expect(actual).toBeLessThanOrEqual(expected + 1_000);
};
const text = (data: Uint8Array | undefined) => (data === undefined ? undefined : new TextDecoder().decode(data));

describe.skipIf(backend.skip !== undefined)(`connect-redis reader${backend.skip ? ` (skipped: ${backend.skip})` : ""}`, () => {
  const namespace = backend.newNamespace();
  const peerPrefix = `${namespace}:connect-redis:`;
  let nodeRedis: RedisClientType;
  let ioredis: Redis;
  let peerApp: App;
  const browsers = [new Browser(), new Browser(), new Browser()];
  const sids: string[] = [];

  beforeAll(async () => {
    nodeRedis = createClient({ url: backend.url });
    nodeRedis.on("error", () => undefined);
    await nodeRedis.connect();
    ioredis = new Redis(backend.url as string);
    // The peer app as users run it today: express-session over real connect-redis.
    peerApp = await startApp(new ConnectRedisStore({ client: nodeRedis, prefix: peerPrefix }), HOUR);
    for (const [index, browser] of browsers.entries()) {
      const me = await browser.request(peerApp, "POST", `/login?name=user${index}`);
      sids.push(me.sid);
    }
    // A key of another type under the prefix is no session.
    await ioredis.hset(`${peerPrefix}not-a-session`, "x", "1");
  });

  afterAll(async () => {
    await peerApp?.close();
    await backend.cleanup();
    await ioredis?.quit();
    await nodeRedis?.close();
  });

  const clients: Array<[string, () => IoRedisReaderClient | NodeRedisReaderClient]> = [
    ["ioredis", () => ioredis],
    ["node-redis", () => nodeRedis as unknown as NodeRedisReaderClient],
  ];

  describe.each(clients)("over %s", (_name, client) => {
    const reader = () => new ConnectRedisReader({ client: client(), prefix: peerPrefix });

    it("entry is the key's JSON as UTF-8 bytes and its exact server expiry (PEXPIRETIME)", async () => {
      const sid = sids[0] as string;
      const entry = await reader().entry(sid);
      expect(text(entry?.data)).toBe(await ioredis.get(peerPrefix + sid));
      expect(entry?.expiresAt).toBe(await ioredis.pexpiretime(peerPrefix + sid));
      expect(entry?.owner).toBeUndefined();
      expect(JSON.parse(text(entry?.data) as string)).toMatchObject({ user: "user0", cookie: { path: "/", httpOnly: true } });
      expect(text(await reader().load(sid))).toBe(text(entry?.data));
    });

    it("an absent id and a key of another type are no session", async () => {
      expect(await reader().entry("absent")).toBeUndefined();
      expect(await reader().load("not-a-session")).toBeUndefined();
    });

    it("entries lists every session once, SCAN batch by batch; count agrees", async () => {
      const listed = [];
      for await (const entry of reader().entries({ batchSize: 1 })) listed.push(entry.id);
      expect(listed.sort()).toEqual([...sids].sort());
      expect(await reader().count()).toBe(sids.length);
      await expect(reader().entries({ batchSize: 0 })[Symbol.asyncIterator]().next()).rejects.toThrow(RangeError);
    });

    it("writes reject: the reader is read-only", async () => {
      const sid = sids[0] as string;
      for (const write of [
        () => reader().store(sid, new Uint8Array([1]), HOUR),
        () => reader().remove(sid),
        () => reader().touch(sid, HOUR),
      ]) {
        const error = await write().catch((reason: unknown) => reason);
        expect(error).toBeInstanceOf(SessionStoreError);
        expect((error as Error).message).toMatch(/read-only/);
      }
      expect(await ioredis.exists(peerPrefix + sid)).toBe(1);
    });

    it("our bridge reads a connect-redis session unchanged", async () => {
      const key = peerPrefix + (sids[1] as string);
      const session = await new ExpressSessionStore(reader()).get(sids[1] as string);
      // Exactly what express-session saved through connect-redis, cookie and all.
      expect(session).toEqual(JSON.parse((await ioredis.get(key)) as string));
      expect(session?.user).toBe("user1");
    });

    it("ping resolves on the live server and rejects naming ping after close", async () => {
      const pinged = reader();
      await expect(pinged.ping()).resolves.toBeUndefined();
      await pinged.close();
      await expect(pinged.ping()).rejects.toMatchObject({ backend: "connect-redis", operation: "ping" });
    });

    it("close makes it reject, and leaves the caller's client open", async () => {
      const closing = reader();
      await closing.close();
      await expect(closing.load("x")).rejects.toThrow(/closed/);
      expect(await ioredis.ping()).toBe("PONG");
    });
  });

  it("a key written without expiry (disableTTL) gets ttlWithoutExpiryMs from the server's clock", async () => {
    await ioredis.set(`${peerPrefix}forever`, JSON.stringify({ cookie: {} }));
    const [seconds] = await ioredis.time();
    const entry = await new ConnectRedisReader({ client: ioredis, prefix: peerPrefix, ttlWithoutExpiryMs: HOUR }).entry("forever");
    expect(entry?.expiresAt).toBeGreaterThanOrEqual(Number(seconds) * 1000 + HOUR);
    expect(entry?.expiresAt).toBeLessThan(Number(seconds) * 1000 + HOUR + 5_000);
    await ioredis.del(`${peerPrefix}forever`);
  });

  describe("the switch: the app moves to our RedisStore behind migrating", () => {
    const ourPrefix = `${namespace}:ours:`;
    let app: App;
    let ours: OurRedisStore;

    beforeAll(async () => {
      await peerApp.close();
      ours = new OurRedisStore({ client: ioredis, prefix: ourPrefix });
      const store = migrating({ from: new ConnectRedisReader({ client: ioredis, prefix: peerPrefix }), to: ours });
      app = await startApp(new ExpressSessionStore(store), HOUR);
    });
    afterAll(async () => {
      await app?.close();
    });

    it("a session moves with the peer's exact expiry", async () => {
      const sid = sids[2] as string;
      const peerExpiry = await ioredis.pexpiretime(peerPrefix + sid);
      const moved = await migrating({ from: new ConnectRedisReader({ client: ioredis, prefix: peerPrefix }), to: ours }).entry(sid);
      expect(moved?.expiresAt).toBe(peerExpiry);
      // The TTL left is taken before the write: ours ends later by at most the write's latency.
      expectLaterBy((await ours.entry(sid))?.expiresAt, peerExpiry);
    });

    it("everyone signed in through connect-redis is still signed in", async () => {
      for (const [index, browser] of browsers.entries()) {
        expect(await browser.request(app, "GET", "/me")).toEqual({ user: `user${index}`, sid: sids[index] });
      }
      for (const sid of sids) expect(await ours.entry(sid)).toBeDefined();
    });

    it("a sign-out sticks although connect-redis still holds the old key", async () => {
      const browser = browsers[0] as Browser;
      const cookie = browser.cookie;
      await browser.request(app, "POST", "/logout");
      expect(await ioredis.exists(peerPrefix + (sids[0] as string))).toBe(1);
      browser.cookie = cookie;
      expect((await browser.request(app, "GET", "/me")).user).toBeNull();
    });
  });
});
