/**
 * The one load process. Every bench contender and every reliability worker runs in a
 * process of its own (its own heap and garbage collector), driven by children.ts over
 * IPC: requests `{ id, op, args }` get `{ id, value }` or `{ id, error }`. A mixed load
 * also sends `{ ack }` for each once-only write the store acknowledged, as it happens, so
 * a worker killed mid-run has already told which writes must survive.
 */
import type { SessionStore } from "@session-store/core";
import type { Backend } from "@session-store/harness";
import { harness } from "@session-store/harness";
import { openStore } from "@session-store/open";
import { benchOf } from "./bench/contend.js";
import { drive, populate } from "./bench/drive.js";
import type { RunningApp } from "./bench/http/apps.js";
import type { OpenedStore } from "./bench/http/stores.js";
import type { Workload } from "./bench/types.js";
import type { OpenRequest, RunRequest, ServeRequest } from "./children.js";
import { runWorkload } from "./reliability/mixed-load.js";

let subject: Workload | undefined;
let backend: Backend | undefined;
let served: { app: RunningApp; store: OpenedStore } | undefined;
let populated: { ids: readonly string[]; blob: Buffer } = { ids: [], blob: Buffer.alloc(0) };
const send = (message: object) => process.send?.(message);

const handlers = {
  /** Resolves the ms it took to populate (0 for a store URL). */
  async open(request: OpenRequest): Promise<number> {
    if ("url" in request) {
      subject = await openStore(request.url);
      return 0;
    }
    backend = await harness(request.backend);
    const contender = (await benchOf(request.backend)).contenders[request.contender];
    subject = await contender!.open(backend);
    populated = { ids: request.ids, blob: Buffer.from(request.blob.buffer, request.blob.byteOffset, request.blob.byteLength) };
    const started = Date.now();
    await populate(subject, populated.ids, populated.blob);
    return Date.now() - started;
  },
  async serve(request: ServeRequest): Promise<number> {
    // Imported here: the other load processes need none of the frameworks and peer stores.
    const [{ serveApp }, { openSessionStore }] = await Promise.all([import("./bench/http/apps.js"), import("./bench/http/stores.js")]);
    backend = await harness(request.backend);
    const store = await openSessionStore(backend, request.store);
    served = { app: await serveApp(request.framework, store.store), store };
    return served.app.port;
  },
  async cpu(): Promise<NodeJS.CpuUsage> {
    return process.cpuUsage();
  },
  async run(request: RunRequest): Promise<unknown> {
    if ("cannon" in request) return (await import("./bench/http/cannon.js")).fire(request.cannon);
    // One run's garbage is not collected on the next one's time (the bench runs with --expose-gc).
    (globalThis as { gc?: () => void }).gc?.();
    if (!subject) throw new Error("run before open");
    if ("drive" in request) return drive(subject, { ...request.drive, ...populated });
    return runWorkload(subject as SessionStore, request.job, request.acks ? (ack) => send({ ack }) : undefined);
  },
  async close(): Promise<void> {
    await subject?.close?.();
    subject = undefined;
    await served?.app.close();
    await served?.store.close();
    served = undefined;
    await backend?.cleanup();
  },
  async exit(): Promise<void> {
    await handlers.close().catch(() => undefined);
    // Exit outright: some peers leave timers running that they never clear.
    setImmediate(() => process.exit(0));
  },
};

process.on("message", ({ id, op, args }: { id: number; op: keyof typeof handlers; args: never }) => {
  handlers[op](args).then(
    (value) => send({ id, value }),
    (error: unknown) => send({ id, error: error instanceof Error ? error.message : String(error) }),
  );
});
// The runner went away: nothing will ask for anything again.
process.on("disconnect", () => process.exit(0));
send({ id: 0 });
