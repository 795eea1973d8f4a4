import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startRedisServer, waitForPing } from "@session-store/redis-cluster";
import type { RedisServer } from "@session-store/redis-cluster";

/** The loopback port of the dedicated server this script may kill. */
export const DEDICATED_REDIS_PORT = 7301;
const HOST = "127.0.0.1";
const READY_TIMEOUT_MS = 15_000;
/** An append-only file synced on every write, so a write Redis acknowledged survives a SIGKILL. */
const DURABLE = ["--appendonly", "yes", "--appendfsync", "always", "--loglevel", "warning"];

/**
 * A redis-server of our own on 127.0.0.1:7301, in a temp dir, durable (see DURABLE).
 * Only this server is ever killed, by its PID.
 */
export class DedicatedRedis {
  readonly url = `redis://${HOST}:${DEDICATED_REDIS_PORT}`;
  readonly #dir = mkdtempSync(join(tmpdir(), "session-store-redis-"));
  #server: RedisServer | undefined;

  static async start(): Promise<DedicatedRedis> {
    if (await answersPing()) throw new Error(`something already listens on ${HOST}:${DEDICATED_REDIS_PORT}; stop it first`);
    const server = new DedicatedRedis();
    await server.#launch();
    return server;
  }

  get pid(): number | undefined {
    return this.#server?.pid;
  }

  /** SIGKILL, then start again over the same append-only file; resolves once it answers PING. */
  async killAndRestart(): Promise<void> {
    await this.#server?.kill("SIGKILL");
    await this.#launch();
  }

  async stop(): Promise<void> {
    await this.#server?.stop();
    rmSync(this.#dir, { recursive: true, force: true });
  }

  async #launch(): Promise<void> {
    // Answering PONG (not LOADING) means the append-only file is loaded.
    this.#server = await startRedisServer({ port: DEDICATED_REDIS_PORT, host: HOST, dir: this.#dir, args: DURABLE, timeoutMs: READY_TIMEOUT_MS });
  }
}

/** Whether some Redis already answers PING on the dedicated port. */
function answersPing(): Promise<boolean> {
  return waitForPing(HOST, DEDICATED_REDIS_PORT, Date.now() + 200).then(
    () => true,
    () => false,
  );
}
