import { randomBytes } from "node:crypto";
import { isManaged } from "@session-store/core";
import type { ListedEntry } from "@session-store/core";
import { SessionStoreError } from "@session-store/core";
import { commandSkip, freePort, harness, HOUR, settle, startRedisCluster, startTcpProxy } from "@session-store/harness";
import { Cluster, Redis } from "ioredis";
import type { RedisClientType, RedisClusterType } from "redis";
import { createClient, createCluster } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RedisClient } from "../src/index.js";
import { RedisStore } from "../src/index.js";
import { INDEX_SLACK_MS } from "../src/scripts.js";

/** How late Redis or a timer may be on a loaded two-core machine. */
const SLACK_MS = 500;
const GRACE_MS = 300;

const backend = await harness("redis");
const clusterSkip = await commandSkip("redis", "redis-server");
const bytes = (text: string) => Buffer.from(text);
const newId = (label = "id") => `${label}-${randomBytes(6).toString("hex")}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function collect(iterable: AsyncIterable<ListedEntry>): Promise<ListedEntry[]> {
  const all: ListedEntry[] = [];
  for await (const entry of iterable) all.push(entry);
  return all;
}

/** The server's clock, in epoch ms (a Cluster's masters here share this machine's clock). */
async function serverNow(raw: Redis | Cluster): Promise<number> {
  const node = raw instanceof Cluster ? (raw.nodes("master")[0] as Redis) : raw;
  const [seconds, micros] = await node.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

/** Every management line, on stores over one client, each test under a prefix of its own. */
function describeManagement(title: string, client: () => RedisClient, raw: () => Redis | Cluster, namespace: () => string) {
  describe(title, () => {
    const open = () => {
      const base = `${namespace()}:${randomBytes(4).toString("hex")}`;
      const prefix = `${base}:`;
      return { store: new RedisStore({ client: client(), prefix, revocationGraceMs: GRACE_MS }), prefix, base };
    };

    it("is managed, and store resolves true when it wrote", async () => {
      const { store } = open();
      expect(isManaged(store)).toBe(true);
      expect(await store.store(newId(), bytes("x"), HOUR)).toBe(true);
    });

    it("entry: data, the server's expiry and the owner, which store replaces together and touch keeps", async () => {
      const { store } = open();
      const id = newId();
      expect(await store.entry(id)).toBeUndefined();
      const before = await serverNow(raw());
      await store.store(id, bytes("one"), 60_000, { owner: "alice" });
      const owned = await store.entry(id);
      expect(owned?.data).toEqual(bytes("one"));
      expect(owned?.owner).toBe("alice");
      expect(owned?.expiresAt).toBeGreaterThanOrEqual(before + 60_000 - SLACK_MS);
      expect(owned?.expiresAt).toBeLessThanOrEqual(before + 60_000 + SLACK_MS);
      expect(await store.load(id)).toEqual(bytes("one"));

      await store.store(id, bytes("two"), 60_000);
      const plain = await store.entry(id);
      expect(plain?.data).toEqual(bytes("two"));
      expect(plain !== undefined && "owner" in plain).toBe(false);

      await store.store(id, bytes("three"), 1_000, { owner: "bob" });
      expect(await store.touch(id, 90_000)).toBe(true);
      const touched = await store.entry(id);
      expect(touched?.owner).toBe("bob");
      expect(touched?.data).toEqual(bytes("three"));
      expect(touched?.expiresAt).toBeGreaterThan(before + 80_000);
      expect((await store.sessionsOf("bob")).map((s) => s.id)).toEqual([id]);
      expect(await store.sessionsOf("alice")).toEqual([]);
    });

    it("touch of an owned session moves its index entry too, so it is listed until its new end", async () => {
      const { store, prefix } = open();
      const id = newId();
      await store.store(id, bytes("t"), 300, { owner: "carol" });
      expect(await store.touch(id, 10_000)).toBe(true);
      await sleep(300 + INDEX_SLACK_MS / 10);
      // Past the first TTL (but inside the index slack), then past the slack: still listed.
      const listed = await store.sessionsOf("carol");
      expect(listed.map((s) => s.id)).toEqual([id]);
      const score = Number(await raw().zscore(`${prefix}\0owner\0carol`, id));
      expect(score).toBeGreaterThan((listed[0]?.expiresAt ?? 0) - 1);
    });

    it("revoke: true for a live session, and the id stays dead until the session would have ended", async () => {
      const { store } = open();
      const id = newId();
      await store.store(id, bytes("live"), 1_000, { owner: "dave" });
      expect(await store.revoke(id)).toBe(true);
      expect(await store.load(id)).toBeUndefined();
      expect(await store.entry(id)).toBeUndefined();
      expect(await store.store(id, bytes("late"), HOUR)).toBe(false);
      expect(await store.store(id, bytes("late"), HOUR, { owner: "dave" })).toBe(false);
      expect(await store.touch(id, HOUR)).toBe(false);
      expect(await store.remove(id)).toBe(false);
      expect(await store.sessionsOf("dave")).toEqual([]);
      expect(await store.count()).toBe(0);
      // Past the grace but before the session's end: still revoked (remove did not clear it).
      await sleep(GRACE_MS + 100);
      expect(await store.store(id, bytes("late"), HOUR)).toBe(false);
      expect(await store.load(id)).toBeUndefined();
      await sleep(1_000 - GRACE_MS);
      expect(await store.store(id, bytes("again"), HOUR)).toBe(true);
      expect(await store.load(id)).toEqual(bytes("again"));
    });

    it("revoke of an absent id leaves a grace-long revocation; of a revoked id it keeps the later end", async () => {
      const { store } = open();
      const absent = newId();
      expect(await store.revoke(absent)).toBe(false);
      expect(await store.store(absent, bytes("x"), HOUR)).toBe(false);
      await sleep(GRACE_MS + SLACK_MS);
      expect(await store.store(absent, bytes("x"), HOUR)).toBe(true);

      const id = newId();
      await store.store(id, bytes("x"), 1_500);
      expect(await store.revoke(id)).toBe(true);
      expect(await store.revoke(id)).toBe(false);
      await sleep(GRACE_MS + 200);
      expect(await store.store(id, bytes("x"), HOUR)).toBe(false);
    });

    it("sessionsOf lists only the owner's live sessions; removeSessionsOf revokes all but except", async () => {
      const { store, prefix } = open();
      const [a, b, c, moved, removed, expired, other] = Array.from({ length: 7 }, () => newId());
      for (const id of [a, b, c, moved, removed]) await store.store(id as string, bytes(id as string), HOUR, { owner: "erin" });
      await store.store(expired as string, bytes("e"), 50, { owner: "erin" });
      await store.store(other as string, bytes("o"), HOUR, { owner: "frank" });
      await store.store(moved as string, bytes("m"), HOUR, { owner: "frank" });
      await store.remove(removed as string);
      await sleep(100);
      const listed = await store.sessionsOf("erin");
      expect(listed.map((s) => s.id).sort()).toEqual([a, b, c].sort());
      for (const session of listed) expect(session.expiresAt).toBeGreaterThan(Date.now() + HOUR - 60_000);
      expect(await store.sessionsOf("nobody")).toEqual([]);

      expect(await store.removeSessionsOf("erin", { except: a as string })).toBe(2);
      expect((await store.sessionsOf("erin")).map((s) => s.id)).toEqual([a]);
      expect(await store.load(b as string)).toBeUndefined();
      expect(await store.store(b as string, bytes("back"), HOUR)).toBe(false);
      // A session that moved to another owner is not revoked.
      expect(await store.load(moved as string)).toEqual(bytes("m"));
      expect((await store.sessionsOf("frank")).map((s) => s.id).sort()).toEqual([moved, other].sort());
      expect(await store.removeSessionsOf("erin", { except: "not-erins" })).toBe(1);
      expect(await store.sessionsOf("erin")).toEqual([]);
      expect(await store.removeSessionsOf("erin")).toBe(0);
      // Revoked members are dropped from the index (their revocation outlasts any store in flight);
      // a removed or moved one stays until its score ends (a store may be between its two writes).
      const members = await (raw() as Redis).zrange(`${prefix}\0owner\0erin`, "0", "-1");
      expect(members.sort()).toEqual([removed, moved, expired].sort());
    });

    it("the owner index expires with its latest session, trimmed of ended members on each write", async () => {
      const { store, prefix } = open();
      const index = `${prefix}\0owner\0gina`;
      const [short, long] = [newId(), newId()];
      await store.store(short, bytes("s"), 100, { owner: "gina" });
      await store.store(long, bytes("l"), 2_000, { owner: "gina" });
      const pttl = await raw().pttl(index);
      expect(pttl).toBeGreaterThan(2_000 + INDEX_SLACK_MS - SLACK_MS);
      expect(pttl).toBeLessThanOrEqual(2_000 + INDEX_SLACK_MS);
      await sleep(100 + INDEX_SLACK_MS + 50);
      await store.store(newId(), bytes("n"), 100, { owner: "gina" });
      expect(await raw().zscore(index, short)).toBeNull();
      expect(await raw().zscore(index, long)).not.toBeNull();
    }, 20_000);

    it("calls on one id take effect in call order, though a store with an owner takes two round trips", async () => {
      const { store } = open();
      const ids = Array.from({ length: 20 }, () => newId());
      const results = await Promise.all(
        ids.flatMap((id) => [store.store(id, bytes(id), HOUR, { owner: "kim" }), store.revoke(id), store.load(id), store.touch(id, HOUR)]),
      );
      expect(results).toEqual(ids.flatMap(() => [true, true, undefined, false]));
      expect(await store.sessionsOf("kim")).toEqual([]);
    });

    it("a store without an owner over an owned session or a revocation (SET … GET refused) keeps call order", async () => {
      const { store, prefix } = open();
      const [moved, removed, revoked] = [newId(), newId(), newId()];
      await store.store(moved, bytes("old"), HOUR, { owner: "lee" });
      await store.store(removed, bytes("old"), HOUR, { owner: "lee" });
      await store.revoke(revoked);
      // Issued together: the calls behind each store must not overtake its second round trip.
      const results = await Promise.all([
        store.store(moved, bytes("new"), HOUR),
        store.load(moved),
        store.store(removed, bytes("new"), HOUR),
        store.remove(removed),
        store.load(removed),
        store.store(revoked, bytes("late"), HOUR),
        store.load(revoked),
      ]);
      expect(results).toEqual([true, bytes("new"), true, true, undefined, false, undefined]);
      expect(await raw().type(prefix + moved)).toBe("string");
      expect(await raw().exists(prefix + removed)).toBe(0);
      expect(await raw().type(prefix + revoked)).toBe("hash");
      expect(await store.sessionsOf("lee")).toEqual([]);
    });

    it("a store without an owner over an owned session writes the bytes as they were when it was called", async () => {
      const { store } = open();
      const id = newId();
      await store.store(id, bytes("old"), HOUR, { owner: "lee" });
      const data = bytes("new");
      const stored = store.store(id, data, HOUR);
      data.fill(0x21);
      expect(await stored).toBe(true);
      expect(await store.load(id)).toEqual(bytes("new"));
      // So does one with an owner, waiting in line behind another call on the id.
      const later = bytes("later");
      const both = [store.store(id, bytes("first"), HOUR, { owner: "lee" }), store.store(id, later, HOUR, { owner: "lee" })];
      later.fill(0x21);
      expect(await Promise.all(both)).toEqual([true, true]);
      expect(await store.load(id)).toEqual(bytes("later"));
    });

    it("a store without an owner writes a plain string and touches no index", async () => {
      const { store, prefix } = open();
      const id = newId();
      await store.store(id, bytes("plain"), HOUR);
      expect(await raw().type(prefix + id)).toBe("string");
      expect(await raw().getBuffer(prefix + id)).toEqual(bytes("plain"));
      expect(await store.count()).toBe(1);
    });

    it("reads and revokes a key written by the previous version (a plain string with PX)", async () => {
      const { store, prefix } = open();
      const id = newId();
      await raw().set(prefix + id, bytes("old"), "PX", 60_000);
      expect(await store.load(id)).toEqual(bytes("old"));
      expect((await store.entry(id))?.data).toEqual(bytes("old"));
      expect(await store.touch(id, 70_000)).toBe(true);
      expect(await store.revoke(id)).toBe(true);
      expect(await store.load(id)).toBeUndefined();
    });

    it("entries, count and clear see live sessions only, in batches; clear keeps revocations", async () => {
      const { store, prefix } = open();
      const ids = Array.from({ length: 7 }, () => newId("e"));
      for (const [i, id] of ids.entries()) await store.store(id, bytes(id), HOUR, i % 2 === 0 ? { owner: "hal" } : undefined);
      const revoked = ids[0] as string;
      await store.revoke(revoked);
      await store.revoke(newId("absent"));
      await store.store(newId("ended"), bytes("x"), 20);
      await sleep(60);

      const listed = await collect(store.entries({ batchSize: 2 }));
      expect(listed.map((e) => e.id).sort()).toEqual(ids.slice(1).sort());
      for (const entry of listed) {
        expect(entry.data).toEqual(bytes(entry.id));
        expect(entry.owner).toBe(ids.indexOf(entry.id) % 2 === 0 ? "hal" : undefined);
        expect("owner" in entry).toBe(ids.indexOf(entry.id) % 2 === 0);
      }
      expect(await store.count()).toBe(6);
      await expect(store.entries({ batchSize: 0 })[Symbol.asyncIterator]().next()).rejects.toThrow(RangeError);

      expect(await store.clear()).toBe(6);
      expect(await store.count()).toBe(0);
      expect(await collect(store.entries())).toEqual([]);
      expect(await raw().exists(`${prefix}\0owner\0hal`)).toBe(0);
      expect(await store.store(revoked, bytes("x"), HOUR)).toBe(false);
      expect(await store.sessionsOf("hal")).toEqual([]);
    });

    it("an id full of glob characters, braces and non-ASCII is listed as itself, and nothing outside the prefix", async () => {
      const { store, base } = open();
      const neighbour = new RedisStore({ client: client(), prefix: `${base}x:` });
      const ids = ["*", "a?", "[ab]", "\\*", "{tag}x", "h\u00e9llo \u{1f600}"];
      for (const id of ids) await store.store(id, bytes(id), HOUR, { owner: "{ivy}*" });
      await neighbour.store("n", bytes("n"), HOUR);
      // A prefix of glob characters matches only itself.
      const star = new RedisStore({ client: client(), prefix: `${base.slice(0, -1)}*` });
      expect(await star.count()).toBe(0);
      expect((await collect(store.entries())).map((e) => e.id).sort()).toEqual([...ids].sort());
      expect(await neighbour.count()).toBe(1);
      expect((await store.sessionsOf("{ivy}*")).map((s) => s.id).sort()).toEqual([...ids].sort());
    });
  });
}

describe.skipIf(backend.skip !== undefined)(`session management on a single node${backend.skip ? ` (skipped: ${backend.skip})` : ""}`, () => {
  const run = backend.newNamespace();
  let ioredis: Redis;
  let nodeRedis: RedisClientType;

  beforeAll(async () => {
    ioredis = new Redis(backend.url as string);
    nodeRedis = createClient({ url: backend.url as string });
    nodeRedis.on("error", () => undefined);
    await nodeRedis.connect();
  });
  afterAll(async () => {
    await backend.cleanup();
    await ioredis?.quit();
    await nodeRedis?.close();
  });

  describeManagement("ioredis", () => ioredis, () => ioredis, () => run);

  it("lists the sessions of an ioredis client with a keyPrefix (which ioredis does not put before a MATCH)", async () => {
    const keyPrefix = `${run}:kp:`;
    const prefixed = new Redis(backend.url as string, { keyPrefix });
    try {
      const store = new RedisStore({ client: prefixed, prefix: "s:" });
      await store.store("a*", bytes("a"), HOUR, { owner: "o" });
      await store.store("b", bytes("b"), HOUR);
      expect(await ioredis.exists(`${keyPrefix}s:a*`)).toBe(1);
      expect((await collect(store.entries())).map((e) => e.id).sort()).toEqual(["a*", "b"]);
      expect(await store.clear()).toBe(2);
      expect(await ioredis.exists(`${keyPrefix}s:\0owner\0o`)).toBe(0);
    } finally {
      await prefixed.quit();
    }
  });
  describeManagement("node-redis", () => nodeRedis, () => ioredis, () => run);
});

describe.skipIf(clusterSkip !== undefined)(`session management on a three-master Cluster${clusterSkip ? ` (skipped: ${clusterSkip})` : ""}`, () => {
  let cluster: Awaited<ReturnType<typeof startRedisCluster>> | undefined;
  let ioredis: Cluster;
  let nodeRedis: RedisClusterType;

  beforeAll(async () => {
    cluster = await startRedisCluster();
    ioredis = new Cluster([...cluster.nodes]);
    nodeRedis = createCluster({ rootNodes: cluster.nodes.map(({ host, port }) => ({ url: `redis://${host}:${port}` })) });
    nodeRedis.on("error", () => undefined);
    await nodeRedis.connect();
  }, 60_000);
  afterAll(async () => {
    await ioredis?.quit();
    await nodeRedis?.close();
    await cluster?.stop();
  });

  describeManagement("ioredis Cluster", () => ioredis, () => ioredis, () => "cluster");
  describeManagement("node-redis cluster", () => nodeRedis, () => ioredis, () => "cluster");

  it("lists the sessions of every master, and reloads its scripts on a master that lost them", async () => {
    const store = new RedisStore({ client: ioredis, prefix: `spread-${randomBytes(4).toString("hex")}:` });
    const ids = Array.from({ length: 60 }, () => newId());
    for (const id of ids) await store.store(id, bytes(id), HOUR, { owner: "jo" });
    // SCRIPT FLUSH on every master (this test's own servers): the next calls must fall back to EVAL.
    await Promise.all(ioredis.nodes("master").map((node) => node.script("FLUSH")));
    expect(await store.count()).toBe(60);
    expect((await collect(store.entries({ batchSize: 7 }))).map((e) => e.id).sort()).toEqual([...ids].sort());
    expect((await store.sessionsOf("jo")).length).toBe(60);
    const perMaster = await Promise.all(ioredis.nodes("master").map((node) => node.dbsize()));
    expect(perMaster.filter((size) => size > 0).length).toBe(3);
    expect(await store.removeSessionsOf("jo")).toBe(60);
    expect(await store.count()).toBe(0);
  }, 30_000);
});

describe("errors of the management operations", () => {
  it("name the operation and reject within timeoutMs against a server that never answers", async () => {
    const silent = await startTcpProxy({ host: "127.0.0.1", port: await freePort() }, "blackhole");
    const client = new Redis(`redis://127.0.0.1:${silent.port}`);
    client.on("error", () => undefined);
    const store = new RedisStore({ client, timeoutMs: 200 });
    try {
      const calls: Record<string, () => Promise<unknown>> = {
        entry: () => store.entry("x"),
        sessionsOf: () => store.sessionsOf("owner-secret"),
        removeSessionsOf: () => store.removeSessionsOf("owner-secret"),
        revoke: () => store.revoke("x"),
        entries: () => store.entries()[Symbol.asyncIterator]().next(),
        count: () => store.count(),
        clear: () => store.clear(),
      };
      for (const [operation, call] of Object.entries(calls)) {
        const { error } = await settle(call());
        expect(error, operation).toBeInstanceOf(SessionStoreError);
        expect((error as SessionStoreError).operation).toBe(operation);
        expect(String(error)).toContain(operation);
        expect(String(error)).not.toContain("owner-secret");
      }
      await expect(store.store("x", bytes("x"), HOUR, { owner: 1 as never })).rejects.toThrow(TypeError);
      await expect(store.sessionsOf("" as never)).rejects.toThrow(RangeError);
    } finally {
      client.disconnect();
      await silent.stop();
    }
  });
});
