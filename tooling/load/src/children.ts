/** The runner's side of child.ts: start a load process, call it, hear its acks, end it. */
import { fork } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { BackendName } from "@session-store/harness";
import type { DriveOptions } from "./bench/drive.js";
import type { Framework } from "./bench/http/apps.js";
import type { CannonJob } from "./bench/http/cannon.js";
import type { StoreRole } from "./bench/http/stores.js";
import type { Ack, WorkloadJob } from "./reliability/mixed-load.js";

/** A store from its URL, or a bench contender populated with the blob under every id. */
export type OpenRequest = { readonly url: string } | { readonly backend: BackendName; readonly contender: number; readonly ids: readonly string[]; readonly blob: Uint8Array };
/** The bench's 80/20 drive, the HTTP bench's autocannon, or the reliability mixed load (with acks streamed when asked). */
export type RunRequest = { readonly drive: Omit<DriveOptions, "ids" | "blob"> } | { readonly cannon: CannonJob } | { readonly job: WorkloadJob; readonly acks?: boolean };
/** An HTTP bench app: this framework on this store of this backend. */
export type ServeRequest = { readonly backend: BackendName; readonly framework: Framework; readonly store: StoreRole };

const entry = fileURLToPath(new URL("./child.ts", import.meta.url));
const packageDir = fileURLToPath(new URL("..", import.meta.url));

type Pending = { resolve: (value: never) => void; reject: (error: Error) => void };

export class Child {
  /** The once-only writes it acknowledged so far (a mixed load run with `acks`). */
  readonly acks: Ack[] = [];
  readonly #process: ChildProcess;
  readonly #pending = new Map<number, Pending>();
  readonly exited: Promise<NodeJS.Signals | number | null>;
  #next = 1;
  #gone: Error | undefined;

  private constructor(child: ChildProcess) {
    this.#process = child;
    child.on("message", (reply: { id?: number; value?: never; error?: string; ack?: Ack }) => {
      if (reply.ack) return void this.acks.push(reply.ack);
      const pending = this.#pending.get(reply.id as number);
      this.#pending.delete(reply.id as number);
      if (reply.error !== undefined) pending?.reject(new Error(reply.error));
      else pending?.resolve(reply.value as never);
    });
    this.exited = new Promise((resolve) =>
      child.on("exit", (code, signal) => {
        this.#gone = new Error(`load process ${child.pid} exited (${signal ?? `code ${code}`})`);
        for (const { reject } of this.#pending.values()) reject(this.#gone);
        this.#pending.clear();
        resolve(signal ?? code);
      }),
    );
  }

  /** Starts a load process; resolves once it listens. */
  static async start(): Promise<Child> {
    // tsx's loader, and the runner's --expose-gc and heap size (the bench passes them).
    const inherited = process.execArgv.filter((flag) => /^--(expose-gc|max-old-space-size)/.test(flag));
    const child = new Child(
      fork(entry, [], { cwd: packageDir, execArgv: ["--import", "tsx", ...inherited], serialization: "advanced", stdio: ["ignore", "inherit", "inherit", "ipc"] }),
    );
    await new Promise((resolve, reject) => child.#pending.set(0, { resolve, reject }));
    return child;
  }

  get running(): boolean {
    return this.#gone === undefined;
  }

  /** Opens its subject; resolves the ms populating the bench ids took. */
  open(request: OpenRequest): Promise<number> {
    return this.#call("open", request);
  }

  /** Starts an HTTP app on an ephemeral port; resolves the port. */
  serve(request: ServeRequest): Promise<number> {
    return this.#call("serve", request);
  }

  /** The process's CPU time so far (process.cpuUsage(), µs). */
  cpu(): Promise<NodeJS.CpuUsage> {
    return this.#call("cpu");
  }

  run<T>(request: RunRequest): Promise<T> {
    return this.#call("run", request);
  }

  close(): Promise<void> {
    return this.#call("close");
  }

  /** Ends it: asks, then SIGKILL if it is still there after 5 s (or at once with `now`). */
  async exit(now = false): Promise<void> {
    if (!this.running) return;
    if (now) this.#process.kill("SIGKILL");
    else this.#call("exit").catch(() => undefined);
    const timer = setTimeout(() => this.#process.kill("SIGKILL"), 5_000);
    await this.exited;
    clearTimeout(timer);
  }

  #call<T>(op: string, args?: unknown): Promise<T> {
    if (this.#gone) return Promise.reject(this.#gone);
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: never) => void, reject });
      this.#process.send({ id, op, args });
    });
  }
}
