import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { StoreSpec } from "./open-store.js";
import type { WorkloadJob, WorkloadResult } from "./workload.js";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const workerPath = join(packageDir, "src", "worker.ts");

/** One worker process, started and waiting for "go". */
export interface Worker {
  readonly child: ChildProcess;
  /** Once-only writes it acknowledged so far (when started with `streamAcks`). */
  readonly acks: Array<readonly [id: string, stamp: string]>;
  /** Its result; `undefined` if it was killed by SIGKILL. */
  readonly result: Promise<WorkloadResult | undefined>;
  /** Lets it start its workload. */
  go(): void;
}

/** Starts a worker process running src/worker.ts against the built store packages; resolves once its store is open. */
export async function startWorker(spec: StoreSpec, job: WorkloadJob, streamAcks = false): Promise<Worker> {
  const child = spawn(process.execPath, ["--import", "tsx", workerPath, JSON.stringify({ spec, job, streamAcks })], {
    cwd: packageDir,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const acks: Array<readonly [string, string]> = [];
  let resultLine: string | undefined;
  let stderr = "";
  let buffered = "";
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line === "ready") markReady();
      else if (line.startsWith("ack\t")) acks.push(JSON.parse(line.slice(4)) as [string, string]);
      else if (line.startsWith("result\t")) resultLine = line.slice(7);
    }
  });
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));

  const result = new Promise<WorkloadResult | undefined>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (signal === "SIGKILL") return resolve(undefined);
      if (code !== 0 || resultLine === undefined) {
        return reject(new Error(`worker ${child.pid} ended with ${signal ?? `code ${code}`} and no result: ${stderr.slice(-2000)}`));
      }
      resolve(JSON.parse(resultLine) as WorkloadResult);
    });
  });
  // Until it is ready, a worker that ends is a failed start.
  await Promise.race([ready, result.then(() => Promise.reject(new Error(`worker ${child.pid} ended before it was ready: ${stderr}`)))]);
  return { child, acks, result, go: () => child.stdin!.write("go\n") };
}

/** Starts one worker process per job, waits until every store is open, then starts them all at once. */
export async function startWorkers(spec: StoreSpec, jobs: readonly WorkloadJob[], streamAcks = false): Promise<Worker[]> {
  const started = await Promise.allSettled(jobs.map((job) => startWorker(spec, job, streamAcks)));
  const workers = started.flatMap((outcome) => (outcome.status === "fulfilled" ? [outcome.value] : []));
  const failure = started.find((outcome) => outcome.status === "rejected");
  if (failure) {
    // One could not start: end the others (ours, by PID) rather than leave them waiting.
    for (const worker of workers) worker.child.kill("SIGKILL");
    await Promise.allSettled(workers.map((worker) => worker.result));
    throw failure.reason;
  }
  for (const worker of workers) worker.go();
  return workers;
}

/** Runs the workers to the end and returns their results; a worker failing fails the run. */
export async function runWorkers(spec: StoreSpec, jobs: readonly WorkloadJob[]): Promise<WorkloadResult[]> {
  const workers = await startWorkers(spec, jobs);
  const results = await Promise.all(workers.map((worker) => worker.result));
  return results.map((result, index) => {
    if (!result) throw new Error(`worker ${index} was killed`);
    return result;
  });
}
