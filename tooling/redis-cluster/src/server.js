// @ts-check
import { execFile, spawn } from "node:child_process";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { Redis } from "ioredis";

/** Time between two readiness probes; the deadline, not this, bounds the wait. */
const POLL_INTERVAL_MS = 25;

/** Thrown when the redis-server binary cannot be run at all. */
export class RedisServerMissingError extends Error {
  /** @param {string} bin */
  constructor(bin) {
    super(`${bin} is not installed (apt-get install redis-server)`);
    this.name = "RedisServerMissingError";
  }
}

/**
 * Whether `redis-server` can be run here.
 * @param {string} [bin]
 * @returns {Promise<boolean>}
 */
export function hasRedisServer(bin = "redis-server") {
  return new Promise((resolve) => execFile(bin, ["--version"], (error) => resolve(!error)));
}

/**
 * Starts one redis-server on a loopback port with its files in `dir`, and resolves
 * once it answers PING (a server loading its AOF answers LOADING until it is done).
 * @param {import("./index.js").RedisServerOptions} options
 * @returns {Promise<import("./index.js").RedisServer>}
 */
export async function startRedisServer(options) {
  const { port, dir, args = [], host = "127.0.0.1", timeoutMs = 10_000, detached = false } = options;
  const bin = options.bin ?? "redis-server";
  const deadline = Date.now() + timeoutMs;
  await mkdir(dir, { recursive: true });
  const logfile = join(dir, "redis.log");
  // Later arguments override earlier ones, so `args` may turn persistence back on.
  const argv = ["--port", String(port), "--bind", host, "--dir", dir, "--logfile", logfile];
  argv.push("--save", "", "--appendonly", "no", "--daemonize", "no", ...args);
  const child = spawn(bin, argv, { stdio: "ignore", detached });

  /** @type {Promise<{ code: number | null, signal: NodeJS.Signals | null }>} */
  const exited = new Promise((resolve, reject) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
    child.once("error", (error) => {
      const code = /** @type {NodeJS.ErrnoException} */ (error).code;
      reject(code === "ENOENT" ? new RedisServerMissingError(bin) : error);
    });
  });
  /** @type {{ code: number | null, signal: NodeJS.Signals | null } | undefined} */
  let exit;
  exited.then((value) => (exit = value), () => undefined);
  if (child.pid === undefined) throw await exited.then(() => new Error(`${bin} did not start`), (error) => error);
  const pid = child.pid;
  if (detached) {
    child.unref();
  } else {
    // A test process that ends without its teardown must not leave the server
    // holding its port for the next run.
    const killOnExit = () => child.kill("SIGKILL");
    process.once("exit", killOnExit);
    exited.finally(() => process.off("exit", killOnExit)).catch(() => undefined);
  }

  /** @param {NodeJS.Signals} signal */
  const kill = async (signal) => {
    if (exit === undefined) {
      try {
        process.kill(pid, signal);
      } catch (error) {
        if (/** @type {NodeJS.ErrnoException} */ (error).code !== "ESRCH") throw error;
      }
    }
    await exited.catch(() => undefined);
  };

  try {
    await waitForPing(host, port, deadline, () => exit !== undefined);
  } catch (error) {
    await kill("SIGKILL");
    const log = await readFile(logfile, "utf8").catch(() => "");
    const tail = log.trim().split("\n").slice(-5).join("\n");
    throw new Error(`redis-server on ${host}:${port} did not become ready: ${/** @type {Error} */ (error).message}\n${tail}`);
  }

  return {
    host,
    port,
    pid,
    dir,
    url: `redis://${host}:${port}`,
    exited,
    kill,
    stop: () => kill("SIGTERM"),
  };
}

/**
 * Polls PING until the server answers PONG or the deadline passes.
 * @param {string} host
 * @param {number} port
 * @param {number} deadline epoch ms
 * @param {() => boolean} [gone] true once the process is known to have exited
 */
export async function waitForPing(host, port, deadline, gone = () => false) {
  let lastError = "no answer";
  for (;;) {
    if (gone()) throw new Error("the process exited");
    const client = new Redis({
      host,
      port,
      lazyConnect: true,
      connectTimeout: Math.max(100, Math.min(1_000, deadline - Date.now())),
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      enableReadyCheck: false,
    });
    client.on("error", () => undefined);
    try {
      await client.connect();
      if ((await client.ping()) === "PONG") return;
    } catch (error) {
      lastError = /** @type {Error} */ (error).message;
    } finally {
      client.disconnect();
    }
    if (Date.now() >= deadline) throw new Error(`no PONG before the deadline (${lastError})`);
    await delay(POLL_INTERVAL_MS);
  }
}

/**
 * Stops a redis-server this tooling started, by PID, only if that PID still is a
 * redis-server on `port` (a PID may have been reused since), and waits for it to go.
 * @param {number} pid
 * @param {number} port
 * @param {number} [timeoutMs]
 */
export async function stopRedisServerByPid(pid, port, timeoutMs = 10_000) {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => undefined);
  if (cmdline === undefined) return;
  if (!cmdline.includes("redis-server") || !cmdline.includes(`:${port}`)) return;
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + timeoutMs;
  while (await isAlive(pid)) {
    if (Date.now() >= deadline) {
      process.kill(pid, "SIGKILL");
      return;
    }
    await delay(POLL_INTERVAL_MS);
  }
}

/**
 * Whether the process still runs. A zombie counts as gone: it has exited and only
 * waits for its parent (init, for a detached server) to reap it.
 * @param {number} pid
 */
async function isAlive(pid) {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => undefined);
  if (stat === undefined) return false;
  // The state follows the parenthesised command name, which may itself hold spaces.
  return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
}
