/**
 * One contender in a process of its own, driven by the runner over IPC. Each contender
 * gets its own heap, so a peer holding 10,000 JSON strings does not make our store pay
 * for the garbage collector marking them, and every call site sees one workload shape.
 *
 * Started by contender-client.ts as `<case file> <contender index>`; answers requests
 * `{ id, op, args }` with `{ id, value }` or `{ id, error }`.
 */
import { pathToFileURL } from "node:url";
import { collectGarbage } from "./gc.js";
import type { BackendBench, Workload } from "./types.js";
import type { DriveOptions } from "./workload.js";
import { drive, populate } from "./workload.js";

export interface OpenRequest {
  readonly ids: readonly string[];
  readonly blob: Uint8Array;
}

export interface RunRequest {
  readonly concurrency: number;
  readonly durationMs: number;
  readonly seed?: number;
}

interface Request {
  readonly id: number;
  readonly op: "open" | "run" | "close" | "exit";
  readonly args?: unknown;
}

const [casePath, indexText] = process.argv.slice(2);
const bench = ((await import(pathToFileURL(casePath as string).href)) as { default: BackendBench }).default;
const contender = bench.contenders[Number(indexText)];
if (!contender) throw new Error(`no contender ${indexText} in ${casePath}`);

let workload: Workload | undefined;
let ids: readonly string[] = [];
let blob: Buffer = Buffer.alloc(0);

async function handle(op: Request["op"], args: unknown): Promise<unknown> {
  switch (op) {
    case "open": {
      const request = args as OpenRequest;
      ids = request.ids;
      blob = Buffer.from(request.blob.buffer, request.blob.byteOffset, request.blob.byteLength);
      workload = await (contender as NonNullable<typeof contender>).open();
      const started = Date.now();
      await populate(workload, ids, blob);
      return Date.now() - started;
    }
    case "run": {
      if (!workload) throw new Error("run before open");
      collectGarbage();
      const options: DriveOptions = { ...(args as RunRequest), ids, blob };
      return drive(workload, options);
    }
    case "close": {
      const open = workload;
      workload = undefined;
      await open?.close();
      return undefined;
    }
    case "exit":
      // Exit outright: some peers leave timers running that they never clear.
      setImmediate(() => process.exit(0));
      return undefined;
  }
}

process.on("message", (message: Request) => {
  handle(message.op, message.args).then(
    (value) => process.send?.({ id: message.id, value }),
    (error: unknown) => process.send?.({ id: message.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
// The runner went away: nothing will ask for anything again.
process.on("disconnect", () => process.exit(0));
process.send?.({ id: 0, value: "ready" });
