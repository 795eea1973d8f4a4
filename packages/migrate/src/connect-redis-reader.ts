import type { ListedEntry, SessionEntry } from "@session-store/core";
import { checkCount, checkKnownOptions, checkOptionsObject } from "@session-store/core/adapter";
import type { Page } from "./reader-base.js";
import { ReaderBase } from "./reader-base.js";
import { sessionBytes } from "./session-reader.js";

/** connect-redis's own default key prefix. */
export const CONNECT_REDIS_PREFIX = "sess:";

/** connect-redis's own default TTL (one day), for keys it wrote without expiry (`disableTTL`). */
export const DEFAULT_TTL_WITHOUT_EXPIRY_MS = 86_400_000;

/** An ioredis `Redis` (v5 or v6), by the methods the reader calls. */
export interface IoRedisReaderClient {
  getBuffer(key: string): Promise<unknown>;
  eval(script: string, numberOfKeys: number, ...args: string[]): Promise<unknown>;
  scan(cursor: string, match: "MATCH", pattern: string, count: "COUNT", n: number): Promise<[string, string[]]>;
}

/** A connected node-redis client (`redis` 5 or 6), by the methods the reader calls. */
export interface NodeRedisReaderClient {
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  scan(cursor: string, options: { MATCH: string; COUNT: number }): Promise<{ cursor: unknown; keys: string[] }>;
}

export interface ConnectRedisReaderOptions {
  /** The caller's ioredis or node-redis client, single node; the reader never closes it. */
  readonly client: IoRedisReaderClient | NodeRedisReaderClient;
  /** connect-redis's `prefix` option. Default "sess:". */
  readonly prefix?: string;
  /** The life given to a key connect-redis wrote without expiry (`disableTTL`). Default one day. */
  readonly ttlWithoutExpiryMs?: number;
}

/**
 * The session at KEYS[1] and its expiry in epoch ms by the server's clock, in one
 * round trip: {json, PEXPIRETIME}, or {json, server time + ARGV[1]} for a key without
 * expiry. A key of another type is no session.
 */
const READ_SCRIPT = `
if redis.call('TYPE', KEYS[1]).ok ~= 'string' then return false end
local at = redis.call('PEXPIRETIME', KEYS[1])
if at == -1 then
  local now = redis.call('TIME')
  at = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) + tonumber(ARGV[1])
end
return {redis.call('GET', KEYS[1]), at}
`;

/** Glob syntax in a prefix matched literally by SCAN MATCH. */
const escapeGlob = (text: string) => text.replace(/[*?[\]\\^-]/g, "\\$&");

const isIoRedis = (client: IoRedisReaderClient | NodeRedisReaderClient): client is IoRedisReaderClient =>
  typeof (client as Partial<IoRedisReaderClient>).getBuffer === "function";

/**
 * Reads what connect-redis wrote: keys `prefix + sid` holding the session as JSON
 * text, expiring by `EX` (or not at all, with `disableTTL`). `entry`'s `expiresAt`
 * is the key's own expiry by the server's clock (PEXPIRETIME). `entries` walks the
 * prefix with SCAN, `batchSize` keys per step (never KEYS); SCAN may return a key
 * twice while the keyspace is resized, and the reader drops repeats within one
 * step only, so a listing (and `count`, which walks the same way) can hold one twice.
 * Single node only: on Redis Cluster, read each master with its own client.
 */
export class ConnectRedisReader extends ReaderBase<string> {
  readonly #client: IoRedisReaderClient | NodeRedisReaderClient;
  readonly #prefix: string;
  readonly #pattern: string;
  readonly #ttlWithoutExpiry: string;

  constructor(options: ConnectRedisReaderOptions) {
    super("connect-redis");
    checkOptionsObject(options, "ConnectRedisReader");
    checkKnownOptions(options, ["client", "prefix", "ttlWithoutExpiryMs"], "ConnectRedisReader");
    if (typeof options.client?.eval !== "function" || typeof options.client.scan !== "function") {
      throw new TypeError("client must be an ioredis or connected node-redis client");
    }
    const prefix = options.prefix ?? CONNECT_REDIS_PREFIX;
    if (typeof prefix !== "string") throw new TypeError("prefix must be a string");
    this.#client = options.client;
    this.#prefix = prefix;
    this.#pattern = `${escapeGlob(prefix)}*`;
    const ttl = options.ttlWithoutExpiryMs === undefined ? DEFAULT_TTL_WITHOUT_EXPIRY_MS : checkCount(options.ttlWithoutExpiryMs, "ttlWithoutExpiryMs");
    this.#ttlWithoutExpiry = String(ttl);
  }

  protected async readEntry(id: string): Promise<SessionEntry | undefined> {
    const key = this.#prefix + id;
    const client = this.#client;
    const reply = isIoRedis(client)
      ? await client.eval(READ_SCRIPT, 1, key, this.#ttlWithoutExpiry)
      : await client.eval(READ_SCRIPT, { keys: [key], arguments: [this.#ttlWithoutExpiry] });
    if (!Array.isArray(reply)) return undefined;
    const [json, expiresAt] = reply as [string, number];
    return { data: sessionBytes(String(json)), expiresAt: Number(expiresAt) };
  }

  protected async readPage(cursor: string | undefined, size: number): Promise<Page<string>> {
    const client = this.#client;
    const from = cursor ?? "0";
    const [next, keys] = isIoRedis(client)
      ? await client.scan(from, "MATCH", this.#pattern, "COUNT", size)
      : await client.scan(from, { MATCH: this.#pattern, COUNT: size }).then((reply) => [String(reply.cursor), reply.keys] as const);
    const ids = [...new Set(keys)].map((key) => key.slice(this.#prefix.length));
    const read = await Promise.all(ids.map(async (id) => ({ id, entry: await this.readEntry(id) })));
    const entries: ListedEntry[] = [];
    for (const { id, entry } of read) if (entry !== undefined) entries.push({ id, ...entry });
    return { entries, next: next === "0" ? undefined : next };
  }

  protected async countLive(): Promise<number> {
    let count = 0;
    let cursor: string | undefined;
    do {
      const page = await this.readPage(cursor, 1000);
      count += page.entries.length;
      cursor = page.next;
    } while (cursor !== undefined);
    return count;
  }

  /** `PING`: ioredis and node-redis clients both have ping(), left out of the client types to keep them small. */
  protected async roundTrip(): Promise<void> {
    await (this.#client as unknown as { ping(): Promise<unknown> }).ping();
  }

  protected async release(): Promise<void> {}
}
