import { randomBytes } from "node:crypto";
import { SessionStoreError } from "@session-store/core";
import type { OwnRedis, TcpProxy } from "@session-store/harness";
import { commandSkip, freePort, HOUR, settle, startRedisServer, startTcpProxy } from "@session-store/harness";
import { Redis } from "ioredis";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisStore } from "../src/index.js";

const TIMEOUT_MS = 1_000;
const USER = `user-${randomBytes(4).toString("hex")}`;
const PASSWORD = `pw-${randomBytes(8).toString("hex")}`;
const skip = await commandSkip("redis", "redis-server");
const title = skip ? `what a Redis connection error says (skipped: ${skip})` : "what a Redis connection error says";

describe("RedisStore options", () => {
  const url = "redis://127.0.0.1:6379";
  it.each([
    [{ url, prefx: "a:" }, "prefix"],
    [{ url, timeoutMS: 100 }, "timeoutMs"],
    [{ url, revocationGrace: 100 }, "revocationGraceMs"],
    [{ url, redisOptions: {} }, "redis"],
    [{ client: new Redis({ lazyConnect: true }), urll: url }, "url"],
  ])("refuses an unknown option: %o", (options, meant) => {
    const name = Object.keys(options)[1] as string;
    expect(() => new RedisStore(options as never)).toThrow(TypeError);
    expect(() => new RedisStore(options as never)).toThrow(`RedisStore has no option \`${name}\`; did you mean \`${meant}\`?`);
  });

  it("passes the ioredis options through unchecked", async () => {
    const store = new RedisStore({ redis: { lazyConnect: true, someFutureOption: 1 } as never, prefix: "p:", timeoutMs: 100, revocationGraceMs: 100 });
    await store.close();
  });
});

/** The error of one `store` call on a store of `make`, with the user and password nowhere in it. */
async function failure(store: RedisStore): Promise<string> {
  const { error } = await settle(store.store(`id-${randomBytes(6).toString("hex")}`, Buffer.from("data"), HOUR));
  expect(error).toBeInstanceOf(SessionStoreError);
  const message = (error as Error).message;
  expect(message).not.toContain(PASSWORD);
  expect(message).not.toContain(USER);
  return message;
}

/** Stores on `url` with each client: the store's own, a caller's ioredis (fail-fast and default), a caller's node-redis. */
function storesOn(url: string): { name: string; open: () => Promise<{ store: RedisStore; release: () => Promise<void> }> }[] {
  return [
    {
      name: "owned",
      open: async () => {
        const store = new RedisStore({ url, timeoutMs: TIMEOUT_MS });
        return { store, release: () => store.close() };
      },
    },
    ...[{ maxRetriesPerRequest: 0 }, {}].map((options) => ({
      name: `ioredis ${JSON.stringify(options)}`,
      open: async () => {
        const client = new Redis(url, options);
        client.on("error", () => undefined);
        const store = new RedisStore({ client, timeoutMs: TIMEOUT_MS });
        return { store, release: async () => void client.disconnect() };
      },
    })),
    {
      name: "node-redis",
      open: async () => {
        const client = createClient({ url, socket: { connectTimeout: TIMEOUT_MS, reconnectStrategy: 100 } });
        client.on("error", () => undefined);
        const connecting = client.connect().catch(() => undefined);
        const store = new RedisStore({ client: client as never, timeoutMs: TIMEOUT_MS });
        return {
          store,
          release: async () => {
            client.destroy();
            await connecting;
          },
        };
      },
    },
  ];
}

/** Checks that every client's store fails on `url` with a message matching `expected`. */
async function expectEvery(url: string, expected: RegExp): Promise<void> {
  for (const { name, open } of storesOn(url)) {
    const { store, release } = await open();
    try {
      expect(await failure(store), name).toMatch(expected);
    } finally {
      await release();
    }
  }
}

describe.skipIf(skip !== undefined)(title, () => {
  let server: OwnRedis;
  let locked: OwnRedis;
  let proxy: TcpProxy;

  beforeAll(async () => {
    server = await startRedisServer();
    locked = await startRedisServer();
    const admin = new Redis(locked.url);
    await admin.config("SET", "requirepass", PASSWORD);
    admin.disconnect();
    proxy = await startTcpProxy({ host: "127.0.0.1", port: server.port });
  });
  afterAll(async () => {
    await proxy?.stop();
    for (const own of [server, locked]) await own?.stop();
  });

  it("names the address and 'connection refused' for a closed port", async () => {
    const port = await freePort();
    await expectEvery(`redis://${USER}:${PASSWORD}@127.0.0.1:${port}`, new RegExp(`cannot reach 127\\.0\\.0\\.1:${port} \\(connection refused\\)`));
  });

  it("says 'timed out' for a black hole that accepts but never answers", async () => {
    proxy.mode("blackhole");
    try {
      const at = `127\\.0\\.0\\.1:${proxy.port}`;
      await expectEvery(`redis://${USER}:${PASSWORD}@127.0.0.1:${proxy.port}`, new RegExp(`timed out after ${TIMEOUT_MS} ms: cannot reach ${at} \\(timed out\\)`));
    } finally {
      proxy.mode("pass");
    }
  });

  it("says 'no reply' when a connection that worked goes silent", async () => {
    const store = new RedisStore({ url: `redis://127.0.0.1:${proxy.port}`, timeoutMs: TIMEOUT_MS });
    try {
      await store.store("silent", Buffer.from("x"), HOUR);
      proxy.mode("blackhole");
      expect(await failure(store)).toMatch(new RegExp(`timed out after ${TIMEOUT_MS} ms: no reply from 127\\.0\\.0\\.1:${proxy.port}`));
    } finally {
      proxy.mode("pass");
      await store.close();
    }
  });

  it("says 'authentication failed' for a wrong password, without the password", async () => {
    const url = `redis://${USER}:${PASSWORD}@127.0.0.1:${locked.port}`;
    for (const { name, open } of storesOn(url).slice(0, 2)) {
      const { store, release } = await open();
      try {
        expect(await failure(store), name).toMatch(new RegExp(`authentication failed at 127\\.0\\.0\\.1:${locked.port}`));
      } finally {
        await release();
      }
    }
  });

  it("says 'host not found' for a name that does not resolve", async () => {
    const store = new RedisStore({ url: `redis://${USER}:${PASSWORD}@no-such-host.invalid:6379`, timeoutMs: TIMEOUT_MS });
    try {
      expect(await failure(store)).toMatch(/cannot reach no-such-host\.invalid(:6379)? \(host not found\)/);
    } finally {
      await store.close();
    }
  });

  it("names nothing for an error Redis itself answers", async () => {
    const store = new RedisStore({ url: server.url, timeoutMs: TIMEOUT_MS });
    const raw = new Redis(server.url);
    try {
      await raw.lpush("sess:wrong-type", "x");
      const { error } = await settle(store.load("wrong-type"));
      expect((error as Error).message).toMatch(/WRONGTYPE/);
      expect((error as Error).message).not.toMatch(/cannot reach|no reply/);
    } finally {
      raw.disconnect();
      await store.close();
    }
  });
});
