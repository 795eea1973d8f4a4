import { DEFAULT_OPERATION_TIMEOUT_MS } from "@session-store/core";
import { checkKnownOptions, checkOptionsObject, checkRevocationGrace, checkTimeout, optional } from "@session-store/core/adapter";
import type { RedisOptions } from "ioredis";
import type { Script } from "./scripts.js";

/**
 * An ioredis `Redis` or `Cluster` (v5 or v6), by the methods the store calls. The
 * types are structural so that a client from the application's own copy of the
 * library fits even when it is not the same copy as ours.
 */
export interface IoRedisClient {
  set(key: string, value: Buffer, millisecondsToken: "PX", milliseconds: number): Promise<unknown>;
  getBuffer(key: string): Promise<Buffer | null>;
  del(key: string): Promise<number>;
  pexpire(key: string, milliseconds: number): Promise<number>;
  zrem(key: string, ...members: string[]): Promise<number>;
  /** `SCAN cursor MATCH pattern COUNT count`, on a single node. */
  scan(cursor: string, match: "MATCH", pattern: string, count: "COUNT", n: number): Promise<[string, string[]]>;
}

/** An ioredis `Cluster`, by what listing needs. */
export interface IoRedisCluster extends IoRedisClient {
  readonly isCluster: true;
  nodes(role: "master"): IoRedisClient[];
}

/** The node-redis script options (`EVALSHA`/`EVAL`). */
export interface NodeRedisScriptOptions {
  keys: string[];
  arguments: (string | Buffer)[];
}

/** A node-redis client or cluster (`redis` / `@redis/client` 5 or 6, connected), by the methods the store calls. */
export interface NodeRedisClient {
  set(key: string, value: Buffer, options: { expiration: { type: "PX"; value: number } }): Promise<unknown>;
  withTypeMapping(mapping: { 36: BufferConstructor }): NodeRedisBytes;
  del(key: string): Promise<number>;
  pExpire(key: string, milliseconds: number): Promise<number>;
  zRem(key: string, members: string[]): Promise<number>;
}

/** A node-redis client whose bulk replies are Buffers. */
export interface NodeRedisBytes {
  get(key: string): Promise<unknown>;
  set(key: string, value: Buffer, options: { expiration: { type: "PX"; value: number }; GET: true }): Promise<unknown>;
  evalSha(sha: string, options: NodeRedisScriptOptions): Promise<unknown>;
  eval(script: string, options: NodeRedisScriptOptions): Promise<unknown>;
}

/** A single node-redis client, by what listing needs. */
export interface NodeRedisNode {
  scan(cursor: string, options: { MATCH: string; COUNT: number }): Promise<{ cursor: string; keys: string[] }>;
}

/** A node-redis cluster, by what listing needs. */
export interface NodeRedisCluster {
  readonly masters: readonly unknown[];
  nodeClient(node: unknown): Promise<NodeRedisNode>;
}

/** The clients a caller may pass. */
export type RedisClient = IoRedisClient | NodeRedisClient;

/** Whether `client` is an ioredis client rather than a node-redis one. */
export function isIoRedis(client: RedisClient): client is IoRedisClient {
  return typeof (client as Partial<IoRedisClient>).getBuffer === "function";
}

/** Where the sessions live: a caller's client, or what the store should connect to. */
export type RedisStoreConnection =
  | {
      /** An ioredis `Redis` or `Cluster`, or a connected node-redis client or cluster, that the caller owns: `close()` leaves it open. */
      readonly client: RedisClient;
      readonly url?: undefined;
      readonly redis?: undefined;
    }
  | {
      readonly client?: undefined;
      /** `redis://[user:password@]host:port/db` or `rediss://` for TLS; the store opens and closes its own client. */
      readonly url: string;
      /** More ioredis options for the store's own client (TLS, Sentinel...); they win over the store's defaults. */
      readonly redis?: RedisOptions;
    }
  | {
      readonly client?: undefined;
      readonly url?: undefined;
      /** ioredis options for the store's own client (host, port, Sentinel...); they win over the store's defaults. */
      readonly redis: RedisOptions;
    };

/** How a `RedisStore` behaves. */
export type RedisStoreOptions = RedisStoreConnection & {
  /** Put before every id to make the Redis key. Default `"sess:"`. */
  readonly prefix?: string;
  /** The longest any call may take before it rejects with a `SessionStoreError`, in ms. Default 5 000. */
  readonly timeoutMs?: number;
  /** How long a revoked id stays dead at least, in ms, even when its session would have ended sooner. Default 60 000. */
  readonly revocationGraceMs?: number;
};

/** The options with defaults applied and every value checked. */
export interface ResolvedRedisStoreOptions {
  readonly connection: RedisStoreConnection;
  readonly prefix: string;
  readonly timeoutMs: number;
  readonly revocationGraceMs: number;
}

/** Default key prefix. */
export const DEFAULT_PREFIX = "sess:";

const KNOWN_OPTIONS: readonly string[] = ["client", "url", "redis", "prefix", "timeoutMs", "revocationGraceMs"];

/** Checks the options (throwing `TypeError` or `RangeError`, an unknown one included) and fills in defaults. */
export function resolveRedisStoreOptions(options: RedisStoreOptions): ResolvedRedisStoreOptions {
  checkOptionsObject(options, "RedisStore");
  checkKnownOptions(options, KNOWN_OPTIONS, "RedisStore");
  checkConnection(options as Partial<Record<"client" | "url" | "redis", unknown>>);
  return {
    connection: options,
    prefix: optional(options.prefix, DEFAULT_PREFIX, checkPrefix),
    timeoutMs: optional(options.timeoutMs, DEFAULT_OPERATION_TIMEOUT_MS, (v) => checkTimeout(v, "timeoutMs")),
    revocationGraceMs: checkRevocationGrace(options.revocationGraceMs),
  };
}

function checkConnection({ client, url, redis }: Partial<Record<"client" | "url" | "redis", unknown>>): void {
  if (client !== undefined) {
    if (url !== undefined || redis !== undefined) {
      throw new TypeError("RedisStore takes either `client` or `url`/`redis`, not both");
    }
    checkClient(client);
    return;
  }
  if (url === undefined && redis === undefined) throw new TypeError("RedisStore needs a `client`, a `url` or `redis` options");
  if (url !== undefined) checkUrl(url);
  if (redis !== undefined && (typeof redis !== "object" || redis === null)) {
    throw new TypeError("redis must be an object of ioredis options");
  }
}

function checkPrefix(prefix: unknown): string {
  if (typeof prefix !== "string") throw new TypeError("prefix must be a string");
  return prefix;
}

/** Refuses a URL Node cannot parse, without echoing it: it may carry a password. */
function checkUrl(url: unknown): void {
  if (typeof url !== "string") throw new TypeError("url must be a string");
  if (!URL.canParse(url)) throw new TypeError("url is not a valid URL (expected redis://[user:password@]host[:port][/db])");
}

const IOREDIS_METHODS = ["set", "getBuffer", "del", "pexpire", "evalshaBuffer", "evalBuffer", "zrem", "scan"];
const NODE_REDIS_METHODS = ["set", "withTypeMapping", "del", "pExpire", "zRem"];

function checkClient(client: unknown): void {
  const has = (methods: string[]) =>
    typeof client === "object" &&
    client !== null &&
    methods.every((method) => typeof (client as Record<string, unknown>)[method] === "function");
  if (!has(IOREDIS_METHODS) && !has(NODE_REDIS_METHODS)) {
    throw new TypeError("client must be an ioredis Redis or Cluster, or a node-redis client or cluster");
  }
}

/** What one command's arguments may be. */
export type Argument = string | Uint8Array | number;

/**
 * The commands a `RedisStore` sends, whatever the client. Each names one key (a
 * script works on its KEYS[1] only), so they work the same on a single node and on
 * a Cluster.
 */
export interface Commands {
  /** Runs `script` on `key` (EVALSHA, and EVAL when the server answers NOSCRIPT); bulk replies come back as Buffers. */
  run(script: Script, key: string, args: readonly Argument[]): Promise<unknown>;
  /** `GET key` as bytes; rejects (WRONGTYPE) when the key holds a hash: a session with an owner, or a revocation. */
  get(key: string): Promise<unknown>;
  /**
   * `SET key data PX ttlMs GET` (Redis 6.2 or newer; older ones answer "ERR syntax
   * error"); rejects `WRONGTYPE`, writing nothing, when the key holds a hash. Resolves
   * once written (with Sentinel, once a replica has it too).
   */
  setGet(key: string, data: Uint8Array, ttlMs: number): Promise<unknown>;
  /** `ZREM key ...members`. */
  zrem(key: string, members: readonly string[]): Promise<unknown>;
  /** `DEL key`. */
  del(key: string): Promise<number>;
  /** `PING` (on a Cluster, to whichever node the client picks). */
  ping(): Promise<unknown>;
  /** `SCAN … MATCH pattern COUNT count` on every master, one batch of keys (maybe empty, maybe repeated) at a time. */
  scan(pattern: string, count: number): AsyncIterable<readonly string[]>;
}
