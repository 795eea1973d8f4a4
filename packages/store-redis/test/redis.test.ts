import { randomBytes } from "node:crypto";
import { SessionStoreError } from "@session-store/core";
import type { TcpProxy } from "@session-store/harness";
import { freePort, harness, HOUR, settle, startTcpProxy } from "@session-store/harness";
import { Redis } from "ioredis";
import { Redis as Redis5 } from "ioredis5";
import { createClient } from "redis";
import { createClient as createClient5 } from "redis5";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PREFIX, RedisStore } from "../src/index.js";
import { settleEveryOperation } from "./support.js";

/** How late a timer may fire on a loaded two-core machine. */
const TIMER_SLACK_MS = 500;

const backend = await harness("redis");
const title = (name: string) => (backend.skip ? `${name} (skipped: ${backend.skip})` : name);
const bytes = (text: string) => new TextEncoder().encode(text);
const newId = () => `id-${randomBytes(6).toString("hex")}`;

describe.skipIf(backend.skip !== undefined)(title("RedisStore on a single node"), () => {
  const url = backend.url as string;
  let client: Redis;
  let prefix: string;
  let store: RedisStore;

  beforeAll(() => {
    client = new Redis(url);
    prefix = `${backend.newNamespace()}:`;
    store = new RedisStore({ client, prefix });
  });
  afterAll(async () => {
    await store.close();
    await backend.cleanup();
    await client.quit();
  });

  describe("who owns the client", () => {
    it("close() leaves a caller's client open and makes the store refuse further calls", async () => {
      const own = new RedisStore({ client, prefix });
      await own.store("a", bytes("a"), HOUR);
      await own.close();
      expect(await client.ping()).toBe("PONG");
      expect(client.status).toBe("ready");
      await expect(own.load("a")).rejects.toThrow(SessionStoreError);
      await expect(own.load("a")).rejects.toThrow(/closed/);
    });

    it("close() closes the connection the store opened itself, once, however often it is called", async () => {
      const name = `ss-owned-${randomBytes(4).toString("hex")}`;
      const owned = new RedisStore({ url, prefix, redis: { connectionName: name } });
      await owned.store("b", bytes("b"), HOUR);
      expect(await connectionsNamed(name)).toBe(1);
      await Promise.all([owned.close(), owned.close()]);
      await owned.close();
      expect(await connectionsNamed(name)).toBe(0);
      await expect(owned.store("b", bytes("b"), HOUR)).rejects.toThrow(/closed/);
      expect(await store.load("b")).toEqual(Buffer.from("b"));
    });

    it("opens its own client from ioredis options alone", async () => {
      const { hostname, port } = new URL(url);
      const owned = new RedisStore({ redis: { host: hostname, port: Number(port || 6379) }, prefix });
      try {
        await owned.store("c", bytes("c"), HOUR);
        expect(await store.load("c")).toEqual(Buffer.from("c"));
      } finally {
        await owned.close();
      }
    });

    async function connectionsNamed(name: string): Promise<number> {
      const list = (await client.call("CLIENT", "LIST")) as string;
      return list.split("\n").filter((line) => line.includes(` name=${name} `)).length;
    }
  });

  describe("key layout", () => {
    it("stores the bytes as they are under the key prefix + id, with the TTL on the key", async () => {
      const id = newId();
      const data = Uint8Array.from([0, 255, 13, 10, 0x80]);
      const start = performance.now();
      await store.store(id, data, 60_000);
      const pttl = await client.pttl(prefix + id);
      const elapsed = performance.now() - start;
      expect(await client.getBuffer(prefix + id)).toEqual(Buffer.from(data));
      expect(pttl).toBeLessThanOrEqual(60_000);
      expect(pttl).toBeGreaterThanOrEqual(60_000 - elapsed - 1);
    });

    it("uses sess: when no prefix is given", async () => {
      // Not under this file's prefix: the test removes the key itself.
      const id = `${prefix}${newId()}`;
      const plain = new RedisStore({ client });
      await plain.store(id, bytes("x"), HOUR);
      expect(DEFAULT_PREFIX).toBe("sess:");
      expect(await client.getBuffer(`sess:${id}`)).toEqual(Buffer.from("x"));
      expect(await plain.remove(id)).toBe(true);
    });

    it("keeps glob characters, braces and non-ASCII in an id verbatim", async () => {
      const ids = ["a*", "a?", "[ab]", "a\\*", "{tag}x", "h\u00e9llo \u{1f600}\nnext"];
      for (const id of ids) await store.store(id, bytes(`v:${id}`), HOUR);
      for (const id of ids) {
        expect(await client.getBuffer(prefix + id), id).toEqual(Buffer.from(`v:${id}`));
        expect(await store.load(id), id).toEqual(Buffer.from(`v:${id}`));
      }
      // The key's bytes are the UTF-8 of prefix + id.
      const exact = Buffer.from(`${prefix}h\u00e9llo \u{1f600}\nnext`, "utf8");
      expect(await client.exists(exact)).toBe(1);
    });

    it("an id of * is one session: it matches no other id, and removing it removes only itself", async () => {
      await store.store("other-1", bytes("1"), HOUR);
      await store.store("other-2", bytes("2"), HOUR);
      expect(await store.load("*")).toBeUndefined();
      expect(await store.remove("*")).toBe(false);
      expect(await store.touch("*", HOUR)).toBe(false);
      await store.store("*", bytes("star"), HOUR);
      expect(await store.remove("*")).toBe(true);
      expect(await store.load("other-1")).toEqual(Buffer.from("1"));
      expect(await store.load("other-2")).toEqual(Buffer.from("2"));
    });
  });

  describe("expiry on the server", () => {
    it("touch sets the key's PTTL and never creates a key", async () => {
      const id = newId();
      await store.store(id, bytes("t"), 1_000);
      expect(await store.touch(id, 90_000)).toBe(true);
      expect(await client.pttl(prefix + id)).toBeGreaterThan(60_000);
      const absent = newId();
      expect(await store.touch(absent, 90_000)).toBe(false);
      expect(await client.exists(prefix + absent)).toBe(0);
    });

    it("touch after the key expired resolves false and does not revive it", async () => {
      const id = newId();
      await store.store(id, bytes("gone"), 20);
      // Wait for Redis to report the key gone (polled, with a deadline), then touch.
      const deadline = Date.now() + 5_000;
      while ((await client.pttl(prefix + id)) !== -2) {
        if (Date.now() > deadline) throw new Error("the key did not expire");
      }
      expect(await store.touch(id, HOUR)).toBe(false);
      expect(await client.exists(prefix + id)).toBe(0);
    });
  });

  describe("bytes are copied", () => {
    // Clients that hold a command before serializing it: the store must copy the bytes first.
    it.each([
      { when: "the store is queued before the connection is up", options: { lazyConnect: true }, connect: false },
      { when: "ioredis auto-pipelining batches the command", options: { enableAutoPipelining: true }, connect: true },
    ])("when $when, the bytes are sent as they were when store was called", async ({ options, connect }) => {
      const holding = new Redis(url, options);
      const held = new RedisStore({ client: holding, prefix });
      try {
        if (connect) await holding.ping();
        const id = newId();
        const data = bytes("original");
        const pending = held.store(id, data, HOUR);
        data.fill(0x21);
        await pending;
        expect(await store.load(id)).toEqual(Buffer.from("original"));
      } finally {
        await holding.quit();
      }
    });

    it("on a ready connection, changing the array right after the call (before it resolves) changes nothing", async () => {
      await client.ping();
      const id = newId();
      const data = new Uint8Array(Buffer.from("ready-path"));
      const pending = store.store(id, data, HOUR);
      data.fill(0x21);
      await pending;
      expect(await store.load(id)).toEqual(Buffer.from("ready-path"));
    });

    it("load returns bytes the caller may change without touching what is stored or loaded later", async () => {
      const [a, b] = [newId(), newId()];
      await store.store(a, bytes("aaaa"), HOUR);
      await store.store(b, bytes("bbbb"), HOUR);
      const first = await store.load(a);
      if (!first) throw new Error("missing");
      first.fill(0);
      for (let i = 0; i < 20; i++) await store.load(b);
      expect(await store.load(a)).toEqual(Buffer.from("aaaa"));
      expect(first).toEqual(Buffer.alloc(4));
    });
  });

  describe("commands issued in one tick", () => {
    it("go out together in the order they were called, with the caller's own commands", async () => {
      await client.ping();
      const id = newId();
      // All issued synchronously, before any reply can arrive. The calls behind a
      // store on the same id wait for its reply (it may need a second round trip);
      // the caller's own GET does not.
      const calls = [
        store.store(id, bytes("first"), HOUR),
        store.store(id, bytes("second"), HOUR),
        store.load(id),
        client.getBuffer(prefix + id),
        store.touch(id, 2 * HOUR),
        store.remove(id),
        store.load(id),
      ];
      const results = await Promise.all(calls);
      expect(results[2]).toEqual(Buffer.from("second"));
      expect(results[3]).toEqual(Buffer.from("first"));
      expect(results[4]).toBe(true);
      expect(results[5]).toBe(true);
      expect(results[6]).toBeUndefined();
      // Nothing is left held back once the tick is over.
      expect(client.stream.writableCorked).toBe(0);
    });

    it("many concurrent calls all settle with the right data", async () => {
      const ids = Array.from({ length: 500 }, newId);
      await Promise.all(ids.map((id) => store.store(id, bytes(id), HOUR)));
      const loaded = await Promise.all(ids.map((id) => store.load(id)));
      loaded.forEach((value, i) => expect(value).toEqual(Buffer.from(ids[i] as string)));
    });
  });

  describe("a Redis before 6.2, which refuses SET … GET", () => {
    /** `client` as a server without the GET flag would answer it (the machine has only Redis 7). */
    const withoutSetGet = (real: Redis) => {
      const refusals = { count: 0 };
      const old = new Proxy(real, {
        get(target, name) {
          if (name === "setBuffer") {
            return () => {
              refusals.count++;
              return Promise.reject(new Error("ERR syntax error"));
            };
          }
          const value: unknown = Reflect.get(target, name);
          return typeof value === "function" ? (value as () => unknown).bind(target) : value;
        },
      });
      return { old, refusals };
    };

    it("gets every store done by the script once refused, and still honours a revocation", async () => {
      const { old, refusals } = withoutSetGet(client);
      const before62 = new RedisStore({ client: old, prefix });
      const [id, revoked] = [newId(), newId()];
      expect(await before62.store(id, bytes("one"), HOUR)).toBe(true);
      expect(await before62.store(id, bytes("two"), HOUR)).toBe(true);
      expect(await client.getBuffer(prefix + id)).toEqual(Buffer.from("two"));
      expect(await client.pttl(prefix + id)).toBeGreaterThan(HOUR - 60_000);
      await before62.revoke(revoked);
      expect(await before62.store(revoked, bytes("late"), HOUR)).toBe(false);
      expect(await client.type(prefix + revoked)).toBe("hash");
      expect(refusals.count).toBe(1);
      await before62.close();
    });

    it("passes any other error on (nothing retried)", async () => {
      const broken = new Proxy(client, {
        get(target, name) {
          if (name === "setBuffer") return () => Promise.reject(new Error("OOM command not allowed"));
          const value: unknown = Reflect.get(target, name);
          return typeof value === "function" ? (value as () => unknown).bind(target) : value;
        },
      });
      const [id, failing] = [newId(), new RedisStore({ client: broken, prefix })];
      await expect(failing.store(id, bytes("x"), HOUR)).rejects.toThrow(SessionStoreError);
      expect(await client.exists(prefix + id)).toBe(0);
      await failing.close();
    });
  });

  describe("a client from ioredis 5", () => {
    it("serves as a caller's client, batched writes included", async () => {
      const old = new Redis5(url);
      const over5 = new RedisStore({ client: old, prefix });
      try {
        await old.ping();
        const id = newId();
        const data = Buffer.from("five");
        const stored = over5.store(id, data, HOUR);
        data.fill(0x21);
        const [loaded, touched] = await Promise.all([over5.load(id), over5.touch(id, 2 * HOUR), stored]);
        expect(loaded).toEqual(Buffer.from("five"));
        expect(touched).toBe(true);
        expect(await client.pttl(prefix + id)).toBeGreaterThan(HOUR);
        expect(await over5.remove(id)).toBe(true);
      } finally {
        await over5.close();
        await old.quit();
      }
    });
  });

  describe("a node-redis client", () => {
    it("stores the same bytes under the same key, with the TTL, copied before node-redis writes them", async () => {
      const nodeRedis = createClient({ url });
      nodeRedis.on("error", () => undefined);
      await nodeRedis.connect();
      const over = new RedisStore({ client: nodeRedis, prefix });
      try {
        const id = `*${newId()}`;
        const data = Buffer.from([0, 255, 0x80, 13, 10]);
        // node-redis writes on a later tick: the store must have taken its copy already.
        const pending = over.store(id, data, 60_000);
        data.fill(0x21);
        await pending;
        expect(await client.getBuffer(prefix + id)).toEqual(Buffer.from([0, 255, 0x80, 13, 10]));
        expect(await client.pttl(prefix + id)).toBeGreaterThan(50_000);
        expect(await over.load(id)).toEqual(Buffer.from([0, 255, 0x80, 13, 10]));
        expect(await over.load("*")).toBeUndefined();
        expect(await over.touch(id, HOUR)).toBe(true);
        expect(await over.remove(id)).toBe(true);
        expect(await over.touch(id, HOUR)).toBe(false);
        await over.close();
        expect(nodeRedis.isOpen).toBe(true);
      } finally {
        await nodeRedis.close();
      }
    });

    it("works over a node-redis 5 client too", async () => {
      const nodeRedis5 = createClient5({ url });
      nodeRedis5.on("error", () => undefined);
      await nodeRedis5.connect();
      const over = new RedisStore({ client: nodeRedis5, prefix });
      try {
        const id = newId();
        await over.store(id, Buffer.from([1, 2, 255]), HOUR);
        expect(await store.load(id)).toEqual(Buffer.from([1, 2, 255]));
        expect(await over.load(id)).toEqual(Buffer.from([1, 2, 255]));
        expect(await over.touch(id, 2 * HOUR)).toBe(true);
        expect(await over.remove(id)).toBe(true);
      } finally {
        await nodeRedis5.close();
      }
    });
  });

  describe("options", () => {
    it("refuses a missing connection, two connections, a bad prefix or timeout", () => {
      expect(() => new RedisStore({} as never)).toThrow(TypeError);
      expect(() => new RedisStore({ client, url } as never)).toThrow(TypeError);
      expect(() => new RedisStore({ client: {} as never })).toThrow(TypeError);
      expect(() => new RedisStore({ client: { set() {}, get() {}, del() {} } as never })).toThrow(TypeError);
      expect(() => new RedisStore({ client, prefix: 1 as never })).toThrow(TypeError);
      expect(() => new RedisStore({ client, timeoutMs: 0 })).toThrow(RangeError);
      expect(() => new RedisStore({ client, timeoutMs: Number.NaN })).toThrow(RangeError);
    });
  });
});

describe("no call hangs", () => {
  let silent: TcpProxy;
  let silentUrl: string;

  beforeAll(async () => {
    // A server that accepts connections and never answers: the case a deadline is for.
    silent = await startTcpProxy({ host: "127.0.0.1", port: await freePort() }, "blackhole");
    silentUrl = `redis://127.0.0.1:${silent.port}`;
  });
  afterAll(() => silent.stop());

  it("a caller's client with ioredis defaults, to a server that never answers: every call rejects at timeoutMs", async () => {
    const client = new Redis(silentUrl);
    client.on("error", () => undefined);
    const timeoutMs = 300;
    const store = new RedisStore({ client, timeoutMs });
    try {
      const results = await settleEveryOperation(store, bytes("x"));
      for (const result of results) {
        expect(result.error).toBeInstanceOf(SessionStoreError);
        expect((result.error as Error).message).toMatch(/timed out after 300 ms/);
        expect(result.ms).toBeGreaterThanOrEqual(timeoutMs - 1);
        expect(result.ms).toBeLessThan(timeoutMs + TIMER_SLACK_MS);
      }
    } finally {
      client.disconnect();
    }
  });

  it("a caller's node-redis client, to a server that never answers: every call rejects at timeoutMs", async () => {
    const nodeRedis = createClient({ url: silentUrl });
    nodeRedis.on("error", () => undefined);
    // Never resolves against this server; commands wait in node-redis's queue meanwhile.
    nodeRedis.connect().catch(() => undefined);
    const timeoutMs = 300;
    const store = new RedisStore({ client: nodeRedis, timeoutMs });
    try {
      const results = await settleEveryOperation(store, bytes("x"));
      for (const result of results) {
        expect(result.error).toBeInstanceOf(SessionStoreError);
        expect(result.ms).toBeGreaterThanOrEqual(timeoutMs - 1);
        expect(result.ms).toBeLessThan(timeoutMs + TIMER_SLACK_MS);
      }
    } finally {
      nodeRedis.destroy();
    }
  });

  it("a store's own client to a server that never answers: calls and close() end within timeoutMs", async () => {
    const timeoutMs = 300;
    const store = new RedisStore({ url: silentUrl, timeoutMs });
    const load = await settle(store.load("x"));
    expect(load.error).toBeInstanceOf(SessionStoreError);
    expect(load.ms).toBeLessThan(timeoutMs + TIMER_SLACK_MS);
    const close = await settle(store.close());
    expect(close.error).toBeUndefined();
    expect(close.ms).toBeLessThan(timeoutMs + TIMER_SLACK_MS);
  });

  it("a store's own client with nothing listening fails fast, without the password in the message", async () => {
    const timeoutMs = 5_000;
    // A port the OS just gave out and took back: nothing listens on it.
    const store = new RedisStore({ url: `redis://user:hunter2@127.0.0.1:${await freePort()}`, timeoutMs });
    try {
      const results = await Promise.all([settle(store.load("x")), settle(store.store("x", bytes("x"), HOUR))]);
      for (const result of results) {
        expect(result.error).toBeInstanceOf(SessionStoreError);
        expect((result.error as SessionStoreError).backend).toBe("redis");
        expect((result.error as Error).message).not.toContain("hunter2");
        expect((result.error as Error).cause).toBeDefined();
        // Refused at the first connection attempt, long before the deadline.
        expect(result.ms).toBeLessThan(timeoutMs);
      }
    } finally {
      await store.close();
    }
  });
});
