import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** The loopback port of the dedicated server this script may kill. */
export const DEDICATED_REDIS_PORT = 7301;
const READY_DEADLINE_MS = 15_000;

/**
 * A redis-server of our own on 127.0.0.1:7301, in a temp dir, with an append-only
 * file synced on every write (`appendfsync always`), so a write Redis acknowledged
 * survives a SIGKILL. Only this server is ever killed, by its PID.
 */
export class DedicatedRedis {
  readonly url = `redis://127.0.0.1:${DEDICATED_REDIS_PORT}`;
  readonly #dir = mkdtempSync(join(tmpdir(), "session-store-redis-"));
  #process: ChildProcess | undefined;

  static async start(): Promise<DedicatedRedis> {
    if (await ping()) throw new Error(`something already listens on 127.0.0.1:${DEDICATED_REDIS_PORT}; stop it first`);
    const server = new DedicatedRedis();
    await server.#launch();
    return server;
  }

  get pid(): number | undefined {
    return this.#process?.pid;
  }

  /** SIGKILL, then start again over the same append-only file; resolves once it answers PING. */
  async killAndRestart(): Promise<void> {
    await this.#kill("SIGKILL");
    await this.#launch();
  }

  async stop(): Promise<void> {
    await this.#kill("SIGTERM");
    rmSync(this.#dir, { recursive: true, force: true });
  }

  async #launch(): Promise<void> {
    const args = ["--port", String(DEDICATED_REDIS_PORT), "--bind", "127.0.0.1", "--dir", this.#dir];
    args.push("--appendonly", "yes", "--appendfsync", "always", "--save", "", "--daemonize", "no", "--loglevel", "warning");
    const child = spawn("redis-server", args, { stdio: "ignore" });
    this.#process = child;
    const deadline = Date.now() + READY_DEADLINE_MS;
    // Poll PING with a deadline: answering +PONG means the append-only file is loaded.
    while (!(await ping())) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error("the dedicated redis-server did not start");
      await sleep(25);
    }
  }

  async #kill(signal: NodeJS.Signals): Promise<void> {
    const child = this.#process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill(signal);
    await exited;
  }
}

/** Whether a Redis on the dedicated port answers PING with PONG (not LOADING, not refused). */
function ping(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port: DEDICATED_REDIS_PORT });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => done(data.toString().startsWith("+PONG")));
  });
}
