import { checkTimeout, DEFAULT_OPERATION_TIMEOUT_MS } from "@session-store/core";
import type { RedisOptions } from "ioredis";

/**
 * The commands a `RedisStore` sends. An ioredis `Redis` or `Cluster` has them (v5
 * or v6): the type is structural so that a client from the application's own
 * ioredis copy fits even when it is not the same copy as ours.
 */
export interface RedisClient {
  set(key: string, value: Buffer, millisecondsToken: "PX", milliseconds: number): Promise<unknown>;
  getBuffer(key: string): Promise<Buffer | null>;
  del(key: string): Promise<number>;
  pexpire(key: string, milliseconds: number): Promise<number>;
}

/** Where the sessions live: a caller's client, or what the store should connect to. */
export type RedisStoreConnection =
  | {
      /** An ioredis `Redis` or `Cluster` the caller owns: `close()` leaves it open. */
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
};

/** The options with defaults applied and every value checked. */
export interface ResolvedRedisStoreOptions {
  readonly connection: RedisStoreConnection;
  readonly prefix: string;
  readonly timeoutMs: number;
}

/** Default key prefix. */
export const DEFAULT_PREFIX = "sess:";

/** Checks the options (throwing `TypeError`) and fills in defaults. */
export function resolveRedisStoreOptions(options: RedisStoreOptions): ResolvedRedisStoreOptions {
  if (typeof options !== "object" || options === null) throw new TypeError("RedisStore options must be an object");
  const { client, url, redis } = options as Partial<Record<"client" | "url" | "redis", unknown>>;
  if (client !== undefined) {
    if (url !== undefined || redis !== undefined) {
      throw new TypeError("RedisStore takes either `client` or `url`/`redis`, not both");
    }
    checkClient(client);
  } else {
    if (url === undefined && redis === undefined) {
      throw new TypeError("RedisStore needs a `client`, a `url` or `redis` options");
    }
    if (url !== undefined && typeof url !== "string") throw new TypeError("url must be a string");
    if (redis !== undefined && (typeof redis !== "object" || redis === null)) {
      throw new TypeError("redis must be an object of ioredis options");
    }
  }
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  if (typeof prefix !== "string") throw new TypeError("prefix must be a string");
  const timeoutMs =
    options.timeoutMs === undefined ? DEFAULT_OPERATION_TIMEOUT_MS : checkTimeout(options.timeoutMs, "timeoutMs");
  return { connection: options, prefix, timeoutMs };
}

function checkClient(client: unknown): void {
  const methods = ["set", "getBuffer", "del", "pexpire"] as const;
  const candidate = client as Partial<Record<(typeof methods)[number], unknown>> | null;
  if (typeof candidate !== "object" || candidate === null || methods.some((m) => typeof candidate[m] !== "function")) {
    throw new TypeError("client must be an ioredis Redis or Cluster");
  }
}
