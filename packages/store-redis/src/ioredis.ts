/*
 * The ioredis flavour: the client a store opens for itself, and the commands on any
 * ioredis `Redis` or `Cluster` (v5 or v6), with the writes of one tick corked into one.
 */
import type { Writable } from "node:stream";
import { Redis } from "ioredis";
import type { RedisOptions } from "ioredis";
import { escapeGlob } from "./keys.js";
import type { ClientState } from "./connection.js";
import { hostAndPort } from "./connection.js";
import type { Argument, Commands, IoRedisClient, IoRedisCluster } from "./options.js";
import { runScript } from "./run-script.js";

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

/**
 * How long a write waits for a replica to acknowledge it (`WAIT 1 ms`), on a client
 * that finds its primary through Sentinel: there a failover promotes the replica, and
 * a write only the old primary had would be lost. A quarter of the deadline, so a
 * call of up to three writes (a touch with an owner) still ends in time. Undefined
 * for any other client.
 */
export function replicaAckMs(client: IoRedisClient, timeoutMs: number): number | undefined {
  const sentinels = (client as { options?: { sentinels?: unknown } }).options?.sentinels;
  return Array.isArray(sentinels) && sentinels.length > 0 ? Math.max(1, Math.floor(timeoutMs / 4)) : undefined;
}

/** The commands on an ioredis `Redis` or `Cluster` (v5 or v6); writes wait for a replica when `ackMs` is given. */
export function ioredisCommands(client: IoRedisClient, ackMs?: number): Commands {
  const batcher = new WriteBatcher();
  const send = () => {
    batcher.beforeSend(client);
    return scripting(client);
  };
  /**
   * The reply of `write`, once a replica has it too. WAIT goes out right behind the
   * write, on the same connection, so it covers it (and costs no extra round trip).
   */
  const acknowledged = (write: Promise<unknown>, waits: boolean): Promise<unknown> => (waits ? withReplica(write) : write);
  const withReplica = async (write: Promise<unknown>): Promise<unknown> => {
    const replicas = send().wait(1, ackMs as number);
    const [reply, count] = await Promise.allSettled([write, replicas]);
    if (reply.status === "rejected") throw reply.reason;
    if (count.status === "rejected") throw count.reason;
    if (count.value < 1) throw new Error(`no replica acknowledged the write within ${ackMs} ms`);
    return reply.value;
  };
  return {
    run: (script, key, args) => {
      // Never a reference ioredis could read after the caller changed its array.
      const values = args.map((arg) => commandArgument(client, arg));
      const waits = script.writes && ackMs !== undefined;
      return runScript(
        script,
        (sha) => acknowledged(send().evalshaBuffer(sha, 1, key, ...values), waits),
        (source) => acknowledged(send().evalBuffer(source, 1, key, ...values), waits),
      );
    },
    get: (key) => send().getBuffer(key),
    // setBuffer: the old value comes back as bytes, not decoded as text.
    setGet: (key, data, ttlMs) =>
      acknowledged(send().setBuffer(key, commandBytes(client, data), "PX", ttlMs, "GET"), ackMs !== undefined),
    zrem: (key, members) => send().zrem(key, ...members),
    del: (key) => send().del(key),
    ping: () => send().ping(),
    scan: (pattern, count) => scanMasters(client, pattern, count),
  };
}

/** The connection state of an ioredis `Redis` or `Cluster`, by its public fields and events. */
export function ioredisState(client: IoRedisClient): ClientState {
  const state = client as SendState & Partial<Emitter> & { options?: { host?: unknown; port?: unknown; sentinels?: unknown } | null };
  return {
    ready: () => state.status === "ready",
    address: () => {
      const { host, port, sentinels } = state.options ?? {};
      // A Cluster or a Sentinel set has no one address: its errors name the node.
      if (state.isCluster !== false || Array.isArray(sentinels)) return undefined;
      return typeof host === "string" && typeof port === "number" ? hostAndPort(host, port) : undefined;
    },
    watch: (onError, onReady) => watchEvents(state, onError, onReady),
  };
}

/** What ioredis and node-redis clients share as event emitters. */
export interface Emitter {
  on(event: string, listener: (...args: never[]) => void): unknown;
  off(event: string, listener: (...args: never[]) => void): unknown;
}

/** Listens to 'error' and 'ready' on `client` if it emits events; returns how to stop. */
export function watchEvents(client: Partial<Emitter>, onError: (error: unknown) => void, onReady: () => void): () => void {
  if (typeof client.on !== "function" || typeof client.off !== "function") return ignore;
  client.on("error", onError);
  client.on("ready", onReady);
  return () => {
    client.off?.("error", onError);
    client.off?.("ready", onReady);
  };
}

/**
 * EVALSHA, EVAL and SET with bulk replies as Buffers: every ioredis 5 and 6 client has
 * them (as it has `<command>Buffer` for every command), though its types omit them;
 * WAIT and PING, which every client has too, left out of `IoRedisClient` to keep it small.
 * Not `callBuffer`: with auto-pipelining ioredis sends that without its command name.
 */
interface Scripting extends IoRedisClient {
  wait(replicas: number, timeoutMs: number): Promise<number>;
  ping(): Promise<unknown>;
  setBuffer(key: string, value: Buffer, millisecondsToken: "PX", milliseconds: number, get: "GET"): Promise<Buffer | null>;
  evalshaBuffer(sha: string, numkeys: 1, key: string, ...args: (string | Buffer | number)[]): Promise<unknown>;
  evalBuffer(source: string, numkeys: 1, key: string, ...args: (string | Buffer | number)[]): Promise<unknown>;
}

function scripting(client: IoRedisClient): Scripting {
  return client as unknown as Scripting;
}

/** SCAN on every master (just the client itself on a single node), in the client's `keyPrefix` if it has one. */
async function* scanMasters(client: IoRedisClient, pattern: string, count: number): AsyncIterable<readonly string[]> {
  // ioredis puts its keyPrefix before every key it sends, but not before a MATCH pattern.
  const keyPrefix = (client as { options?: { keyPrefix?: unknown } }).options?.keyPrefix;
  const own = typeof keyPrefix === "string" ? keyPrefix : "";
  const masters = (client as Partial<IoRedisCluster>).isCluster === true ? (client as IoRedisCluster).nodes("master") : [client];
  for (const node of masters) {
    let cursor = "0";
    do {
      const [next, keys] = await node.scan(cursor, "MATCH", escapeGlob(own) + pattern, "COUNT", count);
      cursor = next;
      yield own === "" ? keys : keys.map((key) => key.slice(own.length));
    } while (cursor !== "0");
  }
}

/** An argument as ioredis should get it: bytes as a Buffer the caller cannot change before it is serialized. */
function commandArgument(client: IoRedisClient, arg: Argument): string | number | Buffer {
  return arg instanceof Uint8Array ? commandBytes(client, arg) : arg;
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
 * The data as ioredis should get it: a Buffer the caller cannot change
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
