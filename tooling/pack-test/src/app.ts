import { spawn } from "node:child_process";
import { once } from "node:events";
import { writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { outsideEnv } from "./run.js";

/** A loopback port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A client that keeps the cookies a server sets, as a browser would. */
export class CookieClient {
  readonly #cookies = new Map<string, string>();

  constructor(readonly origin: string) {}

  async get(path: string): Promise<string> {
    const cookie = [...this.#cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    const response = await fetch(new URL(path, this.origin), { headers: cookie ? { cookie } : {} });
    for (const header of response.headers.getSetCookie()) {
      const [pair = ""] = header.split(";");
      const at = pair.indexOf("=");
      this.#cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
    }
    const body = await response.text();
    if (!response.ok) throw new Error(`GET ${path} answered ${response.status}: ${body}`);
    return body;
  }
}

export interface RunningApp {
  readonly pid: number;
  /** The first client's first request, retried only while nothing listens yet. */
  readonly client: CookieClient;
  readonly firstBody: string;
  stop(): Promise<void>;
}

/**
 * Writes `code` to `<dir>/<name>.mjs` and runs it with Node in `dir` with `env` and
 * `PORT` set; resolves once it answers GET / (a refused connection means it is not
 * listening yet), rejects if it exits first or does not answer within `timeoutMs`.
 */
export async function startApp(dir: string, name: string, code: string, env: Record<string, string>, timeoutMs = 30_000): Promise<RunningApp> {
  const file = join(dir, `${name}.mjs`);
  writeFileSync(file, code);
  const port = await freePort();
  const child = spawn(process.execPath, [file], { cwd: dir, env: outsideEnv({ ...env, PORT: String(port) }), stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk));
  const exited = once(child, "exit");
  const pid = child.pid as number;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) process.kill(pid, "SIGTERM");
    await exited;
  };
  const client = new CookieClient(`http://127.0.0.1:${port}`);
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name}.mjs exited with ${child.exitCode} before it answered:\n${output}`);
    try {
      return { pid, client, firstBody: await client.get("/"), stop };
    } catch (error) {
      const refused = (error as { cause?: { code?: string } }).cause?.code === "ECONNREFUSED";
      if (!refused || performance.now() > deadline) {
        await stop();
        throw new Error(`${name}.mjs did not answer GET / (${String(error)}):\n${output}`, { cause: error });
      }
    }
    await delay(50);
  }
}

/** The visit count an app's body reports: `views: 2` or `{"views":2}`. */
export function views(body: string): number {
  const match = /views"?:\s*(\d+)/.exec(body);
  if (!match) throw new Error(`no visit count in ${JSON.stringify(body)}`);
  return Number(match[1]);
}
