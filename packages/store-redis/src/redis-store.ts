import type { Operation, SessionStore } from "@session-store/core";
import type { OperationContext } from "@session-store/core/adapter";
import { checkArguments, CloseOnce, operationContexts, runOperation } from "@session-store/core/adapter";
import type { Redis } from "ioredis";
import { ioredisCommands, openOwnClient } from "./ioredis.js";
import { nodeRedisCommands } from "./node-redis.js";
import type { Commands, RedisStoreOptions } from "./options.js";
import { isIoRedis, resolveRedisStoreOptions } from "./options.js";

const BACKEND = "redis";

/**
 * Sessions in Redis (or Valkey), one key per session: `prefix + id`, holding the
 * bytes, with the expiry set by the same command (`SET … PX`), so Redis drops
 * expired sessions by itself and there is nothing to sweep. Every command names
 * one key, so it works the same on a single node and on a Redis Cluster.
 */
export class RedisStore implements SessionStore {
  readonly #commands: Commands;
  /** The client this store opened, if it did: `close()` closes only that one. */
  readonly #ownClient: Redis | undefined;
  readonly #prefix: string;
  readonly #contexts: Readonly<Record<Operation, OperationContext>>;
  readonly #closing = new CloseOnce(BACKEND);

  constructor(options: RedisStoreOptions) {
    const { connection, prefix, timeoutMs } = resolveRedisStoreOptions(options);
    const { client } = connection;
    if (client === undefined) {
      this.#ownClient = openOwnClient(connection.url, connection.redis, timeoutMs);
      this.#commands = ioredisCommands(this.#ownClient);
    } else {
      this.#commands = isIoRedis(client) ? ioredisCommands(client) : nodeRedisCommands(client);
    }
    this.#prefix = prefix;
    this.#contexts = operationContexts(BACKEND, timeoutMs);
  }

  async load(id: string): Promise<Uint8Array | undefined> {
    checkArguments({ id });
    this.#closing.assertOpen("load");
    const key = this.#prefix + id;
    const value = await runOperation(this.#contexts.load, () => this.#commands.get(key), id);
    return value ?? undefined;
  }

  async store(id: string, data: Uint8Array, ttlMs: number): Promise<void> {
    const ttl = checkArguments({ id, data, ttlMs });
    this.#closing.assertOpen("store");
    const key = this.#prefix + id;
    await runOperation(this.#contexts.store, () => this.#commands.set(key, data, ttl), id);
  }

  async remove(id: string): Promise<boolean> {
    checkArguments({ id });
    this.#closing.assertOpen("remove");
    const key = this.#prefix + id;
    // Redis deletes an expired key on access, so DEL counts only a live session.
    const deleted = await runOperation(this.#contexts.remove, () => this.#commands.del(key), id);
    return deleted > 0;
  }

  async touch(id: string, ttlMs: number): Promise<boolean> {
    const ttl = checkArguments({ id, ttlMs });
    this.#closing.assertOpen("touch");
    const key = this.#prefix + id;
    // PEXPIRE on a missing or expired key changes nothing and answers 0.
    const updated = await runOperation(this.#contexts.touch, () => this.#commands.pexpire(key, ttl), id);
    return updated > 0;
  }

  /** Closes the client this store opened; a client passed in stays open. */
  close(): Promise<void> {
    return this.#closing.close(() => this.#shutDown());
  }

  async #shutDown(): Promise<void> {
    const client = this.#ownClient;
    if (client === undefined) return;
    try {
      // QUIT lets the commands already sent finish first.
      await runOperation(this.#contexts.close, () => client.quit());
    } catch {
      // Redis is unreachable: there is nothing left to finish gracefully, and
      // disconnect() below releases the socket and stops reconnecting all the same.
    } finally {
      client.disconnect();
    }
  }
}
