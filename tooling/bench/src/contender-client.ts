/** The runner's side of contender-process.ts: start it, send requests, await answers. */
import { fork } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { OpenRequest, RunRequest } from "./contender-process.js";
import type { DriveResult } from "./workload.js";

const entry = fileURLToPath(new URL("./contender-process.ts", import.meta.url));

interface Reply {
  readonly id: number;
  readonly value?: unknown;
  readonly error?: string;
}

export class ContenderClient {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  #nextId = 1;
  #exited: Error | undefined;

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.on("message", (reply: Reply) => this.#settle(reply));
    child.on("exit", (code, signal) => {
      this.#exited = new Error(`contender process exited (${signal ?? `code ${code}`})`);
      for (const { reject } of this.#pending.values()) reject(this.#exited);
      this.#pending.clear();
    });
  }

  /** Starts the process for `bench.contenders[index]` of the case file, once it is ready. */
  static async start(casePath: string, index: number): Promise<ContenderClient> {
    // The same node flags as the runner: tsx's loader, --expose-gc, the heap size.
    const child = fork(entry, [casePath, String(index)], {
      execArgv: process.execArgv,
      serialization: "advanced",
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const client = new ContenderClient(child);
    await new Promise<void>((resolve, reject) => {
      client.#pending.set(0, { resolve: () => resolve(), reject });
    });
    return client;
  }

  /** Opens the contender and stores the blob under every id; resolves the ms it took. */
  open(request: OpenRequest): Promise<number> {
    return this.#call("open", request) as Promise<number>;
  }

  run(request: RunRequest): Promise<DriveResult> {
    return this.#call("run", request) as Promise<DriveResult>;
  }

  close(): Promise<void> {
    return this.#call("close") as Promise<void>;
  }

  /** Ends the process (asking first; killing it if it does not go). */
  async exit(): Promise<void> {
    if (this.#exited) return;
    const gone = new Promise<void>((resolve) => this.#child.once("exit", () => resolve()));
    this.#call("exit").catch(() => undefined);
    const timer = setTimeout(() => this.#child.kill("SIGKILL"), 5_000);
    await gone;
    clearTimeout(timer);
  }

  #call(op: string, args?: unknown): Promise<unknown> {
    if (this.#exited) return Promise.reject(this.#exited);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#child.send({ id, op, args });
    });
  }

  #settle(reply: Reply): void {
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    if (reply.error !== undefined) pending.reject(new Error(reply.error));
    else pending.resolve(reply.value);
  }
}
