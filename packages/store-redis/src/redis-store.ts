import type {
  EntriesOptions,
  ListedEntry,
  ManagedSessionStore,
  Operation,
  OwnedSession,
  RemoveSessionsOfOptions,
  SessionEntry,
  StoreOptions,
} from "@session-store/core";
import type { OperationContext } from "@session-store/core/adapter";
import {
  checkArguments,
  checkEntriesOptions,
  checkOwner,
  checkRemoveSessionsOf,
  checkStoreOptions,
  CloseOnce,
  operationContexts,
  runOperation,
} from "@session-store/core/adapter";
import { SessionStoreError } from "@session-store/core";
import type { Redis } from "ioredis";
import { CallOrder } from "./call-order.js";
import { ConnectionProblems } from "./connection.js";
import { ioredisCommands, ioredisState, openOwnClient, replicaAckMs } from "./ioredis.js";
import { indexKey, isIndexKey, prefixPattern } from "./keys.js";
import { nodeRedisCommands, nodeRedisState } from "./node-redis.js";
import type { Commands, RedisStoreOptions } from "./options.js";
import { isIoRedis, resolveRedisStoreOptions } from "./options.js";
import { readEntry, readPair, text } from "./replies.js";
import { ENTRY, INDEX, LIVE, LOAD, MEMBERS, OWNED, REMOVE, REVOKE, STORE, TOUCH } from "./scripts.js";

const BACKEND = "redis";

/** A touch retries at most this often when the session's owner changes under it. */
const TOUCH_ATTEMPTS = 3;

/**
 * Sessions in Redis (or Valkey), one key per session: `prefix + id`, holding the
 * bytes (or, with an owner, a hash of bytes and owner; or a revocation), with the
 * expiry on the key, so Redis drops expired sessions by itself and there is nothing
 * to sweep. Every command (each script included) names one key, so it works the same
 * on a single node and on a Redis Cluster.
 */
export class RedisStore implements ManagedSessionStore {
  readonly #commands: Commands;
  /** The client this store opened, if it did: `close()` closes only that one. */
  readonly #ownClient: Redis | undefined;
  readonly #prefix: string;
  readonly #timeoutMs: number;
  readonly #graceMs: number;
  readonly #contexts: Readonly<Record<Operation, OperationContext>>;
  readonly #closing = new CloseOnce(BACKEND);
  readonly #order = new CallOrder();
  readonly #connection: ConnectionProblems;
  /** Set once Redis has refused `SET … GET` (before 6.2): from then on the store script does every store. */
  #setGetRefused = false;

  constructor(options: RedisStoreOptions) {
    const { connection, prefix, timeoutMs, revocationGraceMs } = resolveRedisStoreOptions(options);
    const { client } = connection;
    if (client === undefined) {
      this.#ownClient = openOwnClient(connection.url, connection.redis, timeoutMs);
      this.#commands = ioredisCommands(this.#ownClient, replicaAckMs(this.#ownClient, timeoutMs));
      this.#connection = new ConnectionProblems(ioredisState(this.#ownClient));
    } else if (isIoRedis(client)) {
      this.#commands = ioredisCommands(client, replicaAckMs(client, timeoutMs));
      this.#connection = new ConnectionProblems(ioredisState(client));
    } else {
      this.#commands = nodeRedisCommands(client);
      this.#connection = new ConnectionProblems(nodeRedisState(client));
    }
    this.#prefix = prefix;
    this.#timeoutMs = timeoutMs;
    this.#graceMs = revocationGraceMs;
    this.#contexts = operationContexts(BACKEND, timeoutMs);
  }

  async load(id: string): Promise<Uint8Array | undefined> {
    checkArguments({ id });
    this.#closing.assertOpen("load");
    const key = this.#prefix + id;
    const value = await this.#runInOrder("load", id, () => this.#load(key));
    return value instanceof Uint8Array ? value : undefined;
  }

  /**
   * A plain GET, as before session management: a session without an owner is a
   * string. A hash (a session with an owner, or a revocation) answers WRONGTYPE, and
   * only then does the load script read it.
   */
  #load(key: string): Promise<unknown> {
    return this.#commands.get(key).catch((error: unknown) => {
      if (!String((error as Error | undefined)?.message).startsWith("WRONGTYPE")) throw error;
      return this.#commands.run(LOAD, key, []);
    });
  }

  async store(id: string, data: Uint8Array, ttlMs: number, options?: StoreOptions): Promise<boolean> {
    const ttl = checkArguments({ id, data, ttlMs });
    const owner = checkStoreOptions(options);
    this.#closing.assertOpen("store");
    const key = this.#prefix + id;
    // The store's own copy: a call may be sent a round trip or more after the caller
    // could have changed their bytes (waiting in line, or in a second step).
    const bytes = Buffer.from(data);
    // Multi-step too: a store over a hash takes a second round trip (see #storePlain).
    if (owner === undefined) {
      const written = await this.#runInOrder("store", id, () => this.#storePlain(key, bytes, ttl), true);
      return written === 1;
    }
    const written = await this.#runInOrder(
      "store",
      id,
      async () => {
        // The index first: a session is never live without its index entry.
        await this.#commands.run(INDEX, indexKey(this.#prefix, owner), [id, ttl]);
        return this.#commands.run(STORE, key, [bytes, ttl, owner]);
      },
      true,
    );
    return written === 1;
  }

  /**
   * A plain `SET … PX … GET`: on a string or nothing Redis writes it, and no revocation
   * can be there (a revocation is a hash). On a hash (an owned session or a revocation)
   * it answers WRONGTYPE and writes nothing, and the store script decides. `SET` costs
   * Redis a quarter (1 KiB) to a tenth (16 KiB) of the script's CPU. Redis before 6.2
   * refuses the GET flag: the script then does every store.
   */
  #storePlain(key: string, data: Buffer, ttl: number): Promise<unknown> {
    if (this.#setGetRefused) return this.#commands.run(STORE, key, [data, ttl]);
    return this.#commands.setGet(key, data, ttl).then(
      () => 1,
      (error: unknown) => {
        const message = String((error as Error | undefined)?.message);
        if (message.startsWith("ERR syntax error")) this.#setGetRefused = true;
        else if (!message.startsWith("WRONGTYPE")) throw error;
        return this.#commands.run(STORE, key, [data, ttl]);
      },
    );
  }

  async remove(id: string): Promise<boolean> {
    checkArguments({ id });
    this.#closing.assertOpen("remove");
    const key = this.#prefix + id;
    const deleted = await this.#runInOrder("remove", id, () => this.#commands.run(REMOVE, key, []));
    return deleted === 1;
  }

  async touch(id: string, ttlMs: number): Promise<boolean> {
    const ttl = checkArguments({ id, ttlMs });
    this.#closing.assertOpen("touch");
    const key = this.#prefix + id;
    // Multi-step: an owned session's index is updated between two commands.
    const touched = await this.#runInOrder("touch", id, () => this.#touch(id, key, ttl), true);
    return touched === 1;
  }

  /**
   * A session without an owner costs one PEXPIRE (in a script). One with an owner
   * answers with it instead, and is touched once its index holds the new expiry.
   */
  async #touch(id: string, key: string, ttl: number): Promise<unknown> {
    let indexed = "";
    for (let attempt = 1; ; attempt++) {
      const force = attempt === TOUCH_ATTEMPTS ? "1" : "0";
      const reply = await this.#commands.run(TOUCH, key, [ttl, indexed, force]);
      if (!(reply instanceof Uint8Array)) return reply;
      indexed = text(reply);
      await this.#commands.run(INDEX, indexKey(this.#prefix, indexed), [id, ttl]);
    }
  }

  async entry(id: string): Promise<SessionEntry | undefined> {
    checkArguments({ id });
    this.#closing.assertOpen("entry");
    const key = this.#prefix + id;
    const reply = await this.#runInOrder("entry", id, () => this.#commands.run(ENTRY, key, []));
    return readEntry(reply);
  }

  async revoke(id: string): Promise<boolean> {
    checkArguments({ id });
    this.#closing.assertOpen("revoke");
    const key = this.#prefix + id;
    const revoke = () => this.#commands.run(REVOKE, key, [this.#graceMs]);
    const reply = await this.#runInOrder("revoke", id, revoke);
    return readPair(reply)[0] === 1;
  }

  async sessionsOf(owner: string): Promise<OwnedSession[]> {
    checkOwner(owner);
    this.#closing.assertOpen("sessionsOf");
    return this.#run(
      "sessionsOf",
      async () => {
        const index = indexKey(this.#prefix, owner);
        const ids = await this.#members(index);
        const states = await Promise.all(ids.map((id) => this.#commands.run(OWNED, this.#prefix + id, [owner])));
        const live: OwnedSession[] = [];
        const revoked: string[] = [];
        states.forEach((state, i) => {
          const [status, value] = readPair(state);
          const id = ids[i] as string;
          if (status === 1) live.push({ id, expiresAt: value });
          else if (status === 2 && value > this.#timeoutMs) revoked.push(id);
        });
        await this.#drop(index, revoked);
        return live;
      },
      owner,
    );
  }

  async removeSessionsOf(owner: string, options?: RemoveSessionsOfOptions): Promise<number> {
    const { except } = checkRemoveSessionsOf(owner, options);
    this.#closing.assertOpen("removeSessionsOf");
    return this.#run(
      "removeSessionsOf",
      async () => {
        const index = indexKey(this.#prefix, owner);
        const ids = (await this.#members(index)).filter((id) => id !== except);
        const replies = await Promise.all(
          ids.map((id) => this.#commands.run(REVOKE, this.#prefix + id, [this.#graceMs, owner])),
        );
        let revokedLive = 0;
        const revoked: string[] = [];
        replies.forEach((reply, i) => {
          const [status, lastsMs] = readPair(reply);
          if (status === 1) revokedLive++;
          if (status !== 0 && lastsMs > this.#timeoutMs) revoked.push(ids[i] as string);
        });
        await this.#drop(index, revoked);
        return revokedLive;
      },
      owner,
    );
  }

  /**
   * Runs one backend call under the store's deadline (see runOperation), and when
   * it fails because of the connection, says so: which address could not be reached
   * and why, instead of the driver's words or a bare timeout.
   */
  #run<T>(operation: Operation, work: () => Promise<T>, subject?: string): Promise<T> {
    return runOperation(this.#contexts[operation], work, subject).catch((error: unknown) => {
      throw this.#explained(error as SessionStoreError, operation);
    });
  }

  #explained(error: SessionStoreError, operation: Operation): SessionStoreError {
    // runOperation's own deadline error is the only one without a cause.
    const timedOut = error.cause === undefined;
    const problem = this.#connection.explain(error.cause, timedOut);
    if (problem === undefined) return error;
    if (timedOut) return new SessionStoreError(`${operation} timed out after ${this.#timeoutMs} ms: ${problem}`, { backend: BACKEND, operation });
    return new SessionStoreError(`${operation} failed: ${problem}`, { backend: BACKEND, operation, cause: error.cause });
  }

  /**
   * Runs a call on `id` as #run does, in call order with the other calls on it (see
   * CallOrder). A call still waiting in line when its deadline passes is never sent:
   * it was reported as failed, and must not write long after that.
   */
  #runInOrder<T>(operation: Operation, id: string, call: () => Promise<T>, multiStep = false): Promise<T> {
    let failed = false;
    const inLine = () => (failed ? Promise.reject(new Error("given up while waiting in line")) : call());
    return runOperation(this.#contexts[operation], () => this.#order.run(id, inLine, multiStep), id).catch((error: unknown) => {
      failed = true;
      throw this.#explained(error as SessionStoreError, operation);
    });
  }

  /** The ids an owner's index holds, once its ended members are dropped. */
  async #members(index: string): Promise<string[]> {
    const reply = await this.#commands.run(MEMBERS, index, []);
    return Array.isArray(reply) ? reply.map(text) : [];
  }

  /**
   * Drops index members whose id is revoked for longer than this store's deadline:
   * no store of them can succeed before that, so none can be live without a new
   * index write. (An id found absent, or with another owner, stays until its score
   * ends: a store may be between its index write and its session write.)
   */
  async #drop(index: string, ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.#commands.zrem(index, ids);
  }

  entries(options?: EntriesOptions): AsyncIterable<ListedEntry> {
    return { [Symbol.asyncIterator]: () => this.#entries(options) };
  }

  async *#entries(options: EntriesOptions | undefined): AsyncGenerator<ListedEntry> {
    const batchSize = checkEntriesOptions(options);
    this.#closing.assertOpen("entries");
    for await (const ids of this.#scan("entries", batchSize)) {
      const replies = await this.#run("entries", () =>
        Promise.all(ids.map((id) => this.#commands.run(ENTRY, this.#prefix + id, []))),
      );
      for (const [i, reply] of replies.entries()) {
        const entry = readEntry(reply);
        if (entry !== undefined) yield { id: ids[i] as string, ...entry };
      }
    }
  }

  async count(): Promise<number> {
    this.#closing.assertOpen("count");
    let live = 0;
    for await (const ids of this.#scan("count", SCAN_COUNT)) {
      const replies = await this.#run("count", () =>
        Promise.all(ids.map((id) => this.#commands.run(LIVE, this.#prefix + id, []))),
      );
      live += replies.filter((reply) => reply === 1).length;
    }
    return live;
  }

  async clear(): Promise<number> {
    this.#closing.assertOpen("clear");
    let removed = 0;
    for await (const ids of this.#scan("clear", SCAN_COUNT, true)) {
      const replies = await this.#run("clear", () =>
        Promise.all(
          ids.map((id) =>
            id.startsWith("\0") ? this.#commands.del(this.#prefix + id) : this.#commands.run(REMOVE, this.#prefix + id, []),
          ),
        ),
      );
      removed += replies.filter((reply, i) => reply === 1 && !(ids[i] as string).startsWith("\0")).length;
    }
    return removed;
  }

  /**
   * The ids under the prefix, one SCAN batch at a time on every master, each batch
   * without repeats (SCAN may return a key twice, in two batches). Index keys come
   * only with `withIndexes`, as their part after the prefix (which starts with NUL).
   */
  async *#scan(operation: Operation, count: number, withIndexes = false): AsyncGenerator<string[]> {
    const batches = this.#commands.scan(prefixPattern(this.#prefix), count)[Symbol.asyncIterator]();
    for (;;) {
      const next = await this.#run(operation, () => batches.next());
      if (next.done === true) return;
      const ids = new Set<string>();
      for (const key of next.value) {
        if (withIndexes || !isIndexKey(this.#prefix, key)) ids.add(key.slice(this.#prefix.length));
      }
      if (ids.size > 0) yield [...ids];
    }
  }

  /** Sends `PING`. */
  async ping(): Promise<void> {
    this.#closing.assertOpen("ping");
    await this.#run("ping", () => this.#commands.ping());
  }

  /** Closes the client this store opened; a client passed in stays open. */
  close(): Promise<void> {
    return this.#closing.close(async () => {
      await this.#shutDown();
      this.#connection.stop();
    });
  }

  async #shutDown(): Promise<void> {
    const client = this.#ownClient;
    if (client === undefined) return;
    try {
      // QUIT lets the commands already sent finish first.
      await this.#run("close", () => client.quit());
    } catch {
      // Redis is unreachable: there is nothing left to finish gracefully, and
      // disconnect() below releases the socket and stops reconnecting all the same.
    } finally {
      client.disconnect();
    }
  }
}

/** How many keys one SCAN of `count` and `clear` asks for. */
const SCAN_COUNT = 1_000;
