/**
 * A load-generating child process. It opens a store from the spec in argv[2],
 * prints "ready", waits for "go" on stdin (so every worker starts together), runs
 * the workload, printing "ack" lines for once-only writes as they are acknowledged
 * when asked, and ends with one "result" line. Pipe writes are synchronous on
 * Linux, so an ack printed before a SIGKILL still reaches the parent.
 */
import { once } from "node:events";
import { openStore } from "./open-store.js";
import type { StoreSpec } from "./open-store.js";
import { runWorkload } from "./workload.js";
import type { WorkloadJob } from "./workload.js";

const { spec, job, streamAcks } = JSON.parse(process.argv[2] ?? "{}") as {
  spec: StoreSpec;
  job: WorkloadJob;
  streamAcks?: boolean;
};
const store = await openStore(spec);
process.stdout.write("ready\n");
await once(process.stdin, "data");
const onAck = streamAcks ? (id: string, stamp: string) => process.stdout.write(`ack\t${JSON.stringify([id, stamp])}\n`) : undefined;
const result = await runWorkload(store, job, onAck);
await store.close?.();
process.stdout.write(`result\t${JSON.stringify(result)}\n`);
process.stdin.destroy();
