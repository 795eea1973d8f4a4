import type { SessionStore } from "@session-store/core";
import { setTimeout as sleep } from "node:timers/promises";
import { countLost } from "./check-acks.js";
import type { StoreSpec } from "./open-store.js";
import { startWorker, startWorkers } from "./run-workers.js";
import type { Worker } from "./run-workers.js";
import { runWorkload } from "./workload.js";
import type { WorkloadJob, WorkloadResult } from "./workload.js";

const HOUR = 3_600_000;
const RECOVERY_DEADLINE_MS = 15_000;

/** A session-sized mixed load: 10% once-only writes, then stores, loads, touches and removes on 1000 shared ids. */
export function benchJob(worker: number, idPrefix: string, durationMs: number): WorkloadJob {
  return {
    worker,
    idPrefix,
    sharedIds: 1_000,
    shortIds: 0,
    durationMs,
    concurrency: 16,
    longTtlMs: HOUR,
    shortTtlMs: [HOUR, HOUR],
    payloadBytes: [100, 2_000],
    record: false,
  };
}

export interface ThroughputFigures {
  readonly seconds: number;
  readonly operations: number;
  readonly meanPerSecond: number;
  /** The slowest whole second of the run: what the backend held throughout. */
  readonly lowestSecond: number;
  readonly failed: number;
  /** Loads that returned a torn value or one made for another id. */
  readonly violations: number;
  readonly acknowledged: number;
  readonly lost: number;
}

/** Runs the bench load for `durationMs` from `workers` processes (one process for memory) and checks every acknowledged write. */
export async function measureThroughput(
  open: () => Promise<SessionStore>,
  spec: StoreSpec | undefined,
  idPrefix: string,
  durationMs: number,
  workers: number,
): Promise<ThroughputFigures> {
  const store = await open();
  try {
    await store.load("warm-up");
    const jobs = Array.from({ length: workers }, (_, worker) => benchJob(worker, idPrefix, durationMs));
    const results = spec
      ? await Promise.all((await startWorkers(spec, jobs)).map((worker) => worker.result.then(expectResult)))
      : await Promise.all(jobs.map((job) => runWorkload(store, job)));
    const seconds = Math.floor(durationMs / 1000);
    const buckets = Array.from({ length: seconds }, (_, second) =>
      results.reduce((sum, result) => sum + (result.perSecond[second] ?? 0), 0),
    );
    const operations = results.reduce((sum, result) => sum + result.completed, 0);
    const acks = results.flatMap((result) => result.acknowledged);
    return {
      seconds: durationMs / 1000,
      operations,
      meanPerSecond: Math.round(operations / (durationMs / 1000)),
      lowestSecond: Math.min(...buckets),
      failed: results.reduce((sum, result) => sum + result.failed, 0),
      violations: results.reduce((sum, result) => sum + result.violations.length, 0),
      acknowledged: acks.length,
      lost: await countLost(store, acks),
    };
  } finally {
    await store.close?.();
  }
}

export interface FaultFigures {
  /** What was done, e.g. "redis-server SIGKILL + restart". */
  readonly kind: string;
  readonly injected: number;
  /** Faults after which the probe and every worker that was not itself killed worked again, with no restart. */
  readonly survived: number;
  readonly maxRecoveryMs: number;
  readonly operations: number;
  /** Operations that failed while the backend was down: expected, and never acknowledged. */
  readonly failedDuringFaults: number;
  readonly violations: number;
  readonly acknowledged: number;
  readonly lost: number;
  readonly notes: string[];
}

/** One fault: does it, resolves once it is over (the server answers again); may return a worker it killed. */
export type Fault = (workers: Worker[]) => Promise<Worker | void>;

export interface FaultRun {
  readonly kind: string;
  readonly spec: StoreSpec;
  /** A store opened before the first fault and never reopened: it must recover by itself. */
  readonly probe: SessionStore;
  readonly idPrefix: string;
  readonly workers: number;
  readonly durationMs: number;
  readonly intervalMs: number;
  readonly fault: Fault;
  /** Starts a replacement when a fault killed a worker. */
  readonly replaceKilled?: boolean;
}

/**
 * Runs the bench load from several processes for `durationMs` and injects a fault
 * every `intervalMs`. After each one, the probe store must store and load again
 * within 15 s, and every worker still running must complete operations again.
 * Then every write acknowledged, by any worker, killed ones included, must load back.
 */
export async function measureFaults(run: FaultRun): Promise<FaultFigures> {
  const end = Date.now() + run.durationMs;
  const jobs = Array.from({ length: run.workers }, (_, worker) => benchJob(worker, run.idPrefix, run.durationMs));
  const workers = await startWorkers(run.spec, jobs, true);
  const killed = new Set<Worker>();
  const recoveries: Array<{ readyAt: number; recoveryMs: number | undefined }> = [];
  let nextWriter = run.workers;

  // The last fault leaves two seconds of load to show the workers recovered.
  while (Date.now() + run.intervalMs + 2_000 < end) {
    await sleep(run.intervalMs);
    const victim = await run.fault(workers);
    const readyAt = Date.now();
    recoveries.push({ readyAt, recoveryMs: await recover(run.probe, readyAt) });
    if (victim) {
      killed.add(victim);
      if (run.replaceKilled) {
        const replacement = await startWorker(run.spec, benchJob(nextWriter++, run.idPrefix, end - Date.now()), true);
        replacement.go();
        workers.push(replacement);
      }
    }
  }

  const results = await Promise.all(workers.map((worker) => worker.result));
  const finished = results.filter((result): result is WorkloadResult => result !== undefined);
  const survived = recoveries.filter(
    ({ readyAt, recoveryMs }) =>
      recoveryMs !== undefined && finished.every((result) => result.started > readyAt || worksAfter(result, readyAt)),
  ).length;
  const acks = workers.flatMap((worker) => worker.acks);
  return {
    kind: run.kind,
    injected: recoveries.length,
    survived,
    maxRecoveryMs: Math.max(0, ...recoveries.map((entry) => entry.recoveryMs ?? Infinity)),
    operations: finished.reduce((sum, result) => sum + result.completed, 0),
    failedDuringFaults: finished.reduce((sum, result) => sum + result.failed, 0),
    violations: finished.reduce((sum, result) => sum + result.violations.length, 0),
    acknowledged: acks.length,
    lost: await countLost(run.probe, acks),
    notes: killed.size > 0 ? [`${killed.size} worker processes killed; their ${countAcks(killed)} acknowledged writes checked too`] : [],
  };
}

/** Whether the worker completed operations in a whole second after `time`. */
function worksAfter(result: WorkloadResult, time: number): boolean {
  const from = Math.floor((time - result.started) / 1000) + 1;
  return result.perSecond.slice(from).some((count) => count > 0);
}

/** Time from `since` until the probe store stores and loads again, or undefined after the deadline. */
async function recover(probe: SessionStore, since: number): Promise<number | undefined> {
  const data = new TextEncoder().encode(`probe ${since}`);
  while (Date.now() - since < RECOVERY_DEADLINE_MS) {
    try {
      await probe.store("reliability-probe", data, HOUR);
      const loaded = await probe.load("reliability-probe");
      if (loaded && Buffer.from(loaded).equals(Buffer.from(data))) return Date.now() - since;
    } catch {
      await sleep(50);
    }
  }
  return undefined;
}

function countAcks(workers: Set<Worker>): number {
  return [...workers].reduce((sum, worker) => sum + worker.acks.length, 0);
}

function expectResult(result: WorkloadResult | undefined): WorkloadResult {
  if (!result) throw new Error("a worker was killed during the throughput run");
  return result;
}
