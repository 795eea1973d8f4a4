/*
 * The ioredis flavour: the client a store opens for itself, and the commands on any
 * ioredis `Redis` or `Cluster` (v5 or v6), with the writes of one tick corked into one.
 */
import type { Writable } from "node:stream";
import { Redis } from "ioredis";
import type { RedisOptions } from "ioredis";
import type { Commands, IoRedisClient } from "./options.js";

/** Longest wait between two reconnection attempts of a store-owned client, in ms. */
const MAX_RECONNECT_DELAY_MS = 1_000;

/**
 * Opens the client a store owns. Its defaults make a call fail soon after Redis
 * goes away rather than wait out the store's whole deadline: commands issued
 * while disconnected are failed at the next failed reconnection attempt
 * (`maxRetriesPerRequest: 0`), attempts come at most a second (and at most half
 * the deadline) apart, and a connection attempt gives up within the deadline.
 * So the offline queue stays small and a rejected call cannot be sent long after
 * it was reported as failed. A connection that has stopped answering (a dead TCP
 * flow never errors by itself) is destroyed once commands have waited a whole
 * deadline without a byte from Redis (`socketTimeout`): ioredis then rejects what it
 * queued, releasing it, and reconnects. The caller's own ioredis options win over these.
 */
export function openOwnClient(url: string | undefined, redis: RedisOptions | undefined, timeoutMs: number): Redis {
  const options: RedisOptions = {
    maxRetriesPerRequest: 0,
    connectTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    retryStrategy: (attempt) => reconnectDelay(attempt, Math.min(MAX_RECONNECT_DELAY_MS, timeoutMs / 2)),
    ...(redis?.sentinels ? sentinelDefaults(timeoutMs) : {}),
    ...redis,
  };
  const client = url === undefined ? new Redis(options) : new Redis(url, options);
  // Without a listener ioredis prints every connection error; each failed call
  // already rejects with a SessionStoreError, so the event adds nothing.
  client.on("error", ignore);
  return client;
}

/**
 * With Sentinel: leave the old primary as soon as a Sentinel announces a failover
 * (`+switch-master`) instead of writing to it until it is demoted and drops those
 * writes, and skip a Sentinel that accepts the connection but does not answer
 * within a quarter of the deadline instead of waiting on it for ever.
 */
function sentinelDefaults(timeoutMs: number): RedisOptions {
  return { failoverDetector: true, sentinelCommandTimeout: Math.max(100, Math.floor(timeoutMs / 4)) };
}

/**
 * Exponential backoff with jitter, so many app instances do not reconnect in step,
 * capped so that a call waiting for the connection sees at least two attempts
 * before its deadline.
 */
function reconnectDelay(attempt: number, maxMs: number): number {
  return Math.min(50 * 2 ** (attempt - 1), maxMs) + Math.floor(Math.random() * Math.min(100, maxMs / 4));
}

function ignore(): void {}

/** The commands on an ioredis `Redis` or `Cluster` (v5 or v6). */
export function ioredisCommands(client: IoRedisClient): Commands {
  const batcher = new WriteBatcher();
  const send = () => {
    batcher.beforeSend(client);
    return client;
  };
  return {
    set: (key, data, ttlMs) => {
      // Never a reference ioredis could read after the caller changed its array.
      const value = commandBytes(client, data);
      return send().set(key, value, "PX", ttlMs);
    },
    // getBuffer, not get: the bytes come back as they were stored, never decoded as text.
    get: (key) => send().getBuffer(key),
    del: (key) => send().del(key),
    pexpire: (key, ttlMs) => send().pexpire(key, ttlMs),
  };
}

/**
 * Sends the commands a store issues within one tick of the event loop in one
 * socket write. ioredis writes each command as soon as it is called, one system
 * call each; with many requests in flight that dominates the cost of a command.
 * Corking the socket until the end of the tick keeps the order and adds no wait
 * beyond the current tick (node-redis, too, writes a tick's commands in one
 * corked batch). Only a single-node ioredis `Redis` that is ready is corked;
 * anything else sends as it always does.
 */
class WriteBatcher {
  #corked: Writable | undefined;
  readonly #uncork = (): void => {
    const stream = this.#corked;
    this.#corked = undefined;
    stream?.uncork();
  };

  /** Call just before sending a command on `client`. */
  beforeSend(client: IoRedisClient): void {
    if (this.#corked !== undefined) return;
    const stream = readyStream(client);
    if (stream === undefined) return;
    stream.cork();
    this.#corked = stream;
    process.nextTick(this.#uncork);
  }
}

/**
 * The data as ioredis should get it for `SET`: a Buffer the caller cannot change
 * before the command is serialized.
 *
 * A ready ioredis `Redis` without auto-pipelining serializes the command into a
 * buffer of its own and writes it before `set()` returns, so a view of the
 * caller's bytes is enough and saves a copy of the whole blob. Anything else may
 * keep the command and serialize it later (the offline queue while connecting,
 * auto-pipelining, a Cluster routing it, any other client), so it gets a copy
 * taken now.
 */
function commandBytes(client: IoRedisClient, data: Uint8Array): Buffer {
  if (readyStream(client) === undefined || pipelinesLater(client)) return Buffer.from(data);
  // ioredis takes only a Buffer as bytes (a plain Uint8Array would become text).
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/** The public fields of an ioredis `Redis` (v5 and v6) that say how it sends a command now. */
interface SendState {
  readonly isCluster?: unknown;
  readonly status?: unknown;
  readonly stream?: Partial<Writable> | null;
  readonly options?: { readonly enableAutoPipelining?: unknown } | null;
}

/**
 * The socket of a ready, single-node ioredis `Redis`, or undefined for anything
 * else (a Cluster, a client still connecting, another kind of client). Such a
 * client writes a command to this socket before the command method returns.
 */
function readyStream(client: IoRedisClient): Writable | undefined {
  const state = client as SendState;
  const stream = state.stream;
  if (state.isCluster !== false || state.status !== "ready" || !stream || stream.writable !== true) return undefined;
  return typeof stream.cork === "function" && typeof stream.uncork === "function" ? (stream as Writable) : undefined;
}

/** Whether the client batches commands itself (ioredis auto-pipelining), writing them later. */
function pipelinesLater(client: IoRedisClient): boolean {
  return Boolean((client as SendState).options?.enableAutoPipelining);
}
