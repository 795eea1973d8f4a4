/**
 * The reliability load: the mixed workload from several load processes (memory: loops in
 * this process, over one store) for a while, optionally with a fault every few seconds.
 * After each fault a probe store opened before the first must store and load again within
 * 15 s, and every worker still running must complete operations again. At the end every
 * write a store acknowledged, killed workers' included, must load back byte for byte.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { SessionStore } from "@session-store/core";
import { HOUR } from "@session-store/harness";
import { openStore } from "@session-store/open";
import { Child } from "../children.js";
import { sum } from "../stats.js";
import { key, runWorkload } from "./mixed-load.js";
import type { Ack, WorkloadJob, WorkloadResult } from "./mixed-load.js";
import { isStamp, readPayload } from "./payload.js";

/** A load process, or (memory) a group of loops in this one; `result` is undefined once SIGKILLed. */
export interface Worker {
  readonly acks: Ack[];
  readonly result: Promise<WorkloadResult | undefined>;
  readonly child?: Child;
}

export interface LoadRun {
  /** The store every worker and the probe open; `inProcess`: the workers are loops over the probe (memory). */
  readonly url: string;
  readonly inProcess?: boolean;
  readonly workers: number;
  readonly durationMs: number;
  readonly fault?: Fault & { readonly intervalMs: number };
}

/** `inject` does one fault and resolves once it is over (the server answers again), with the worker it killed if any. */
export interface Fault {
  inject(workers: Worker[]): Promise<Worker | void>;
  /** Start a new worker in place of a killed one. */
  readonly replaceKilled?: boolean;
}

export interface LoadFigures {
  readonly operations: number;
  readonly meanPerSecond: number;
  /** The fewest operations in any whole second: what the backend held throughout. */
  readonly lowestSecond: number;
  /** Calls that rejected: none without faults; while the backend is down, expected and never acknowledged. */
  readonly failed: number;
  /** Loads that returned a torn value or one made for another id. */
  readonly violations: number;
  readonly acknowledged: number;
  readonly lost: number;
  /** Faults injected, and those after which the probe and every worker not itself killed worked again, with no restart. */
  readonly injected: number;
  readonly survived: number;
  readonly maxRecoveryMs: number;
  readonly notes: string[];
}

/** A session-sized mixed load: 10% once-only writes, then stores, loads, touches and removes on 1,000 shared ids. */
const sustainedJob = (worker: number, durationMs: number): WorkloadJob =>
  ({ worker, idPrefix: "load", sharedIds: 1_000, shortIds: 0, durationMs, concurrency: 16, longTtlMs: HOUR, shortTtlMs: [HOUR, HOUR], payloadBytes: [100, 2_000], record: false });

/** Starts one worker per job with its store open (in load processes, unless `store` is given), then lets them all go. */
export async function startWorkers(url: string, jobs: readonly WorkloadJob[], store?: SessionStore): Promise<Worker[]> {
  if (store) {
    return jobs.map((job) => {
      const acks: Ack[] = [];
      return { acks, result: runWorkload(store, job, (ack) => acks.push(ack)) };
    });
  }
  const started = await Promise.allSettled(jobs.map(() => Child.start()));
  const children = started.flatMap((outcome) => (outcome.status === "fulfilled" ? [outcome.value] : []));
  try {
    const failed = started.find((outcome) => outcome.status === "rejected");
    if (failed) throw failed.reason;
    await Promise.all(children.map((child) => child.open({ url })));
  } catch (error) {
    await Promise.all(children.map((child) => child.exit(true)));
    throw error;
  }
  return children.map((child, index) => ({
    child,
    acks: child.acks,
    result: child.run<WorkloadResult>({ job: jobs[index] as WorkloadJob, acks: true }).then(
      (result) => child.exit().then(() => result),
      async (error: unknown) => ((await child.exited) === "SIGKILL" ? undefined : Promise.reject(error)),
    ),
  }));
}

export async function sustain({ url, inProcess, workers: count, durationMs, fault }: LoadRun): Promise<LoadFigures> {
  const probe = await openStore(url);
  try {
    // The first call creates the table, so the workers test the sessions, not a DDL race.
    await probe.load("warm-up");
    const end = Date.now() + durationMs;
    const workers = await startWorkers(url, Array.from({ length: count }, (_, worker) => sustainedJob(worker, durationMs)), inProcess ? probe : undefined);
    const recoveries: Array<{ readyAt: number; ms: number | undefined }> = [];
    const killed = new Set<Worker>();
    // The last fault leaves two seconds of load to show the workers recovered.
    while (fault && Date.now() + fault.intervalMs + 2_000 < end) {
      await sleep(fault.intervalMs);
      const victim = await fault.inject(workers);
      const readyAt = Date.now();
      recoveries.push({ readyAt, ms: await recover(probe, readyAt) });
      if (victim) killed.add(victim);
      if (victim && fault.replaceKilled) workers.push(...(await startWorkers(url, [sustainedJob(workers.length, end - Date.now())])));
    }
    const finished = (await Promise.all(workers.map((worker) => worker.result))).filter((result) => result !== undefined);
    const acks = workers.flatMap((worker) => worker.acks);
    const operations = sum(finished, (result) => result.completed);
    // A worker works again after `time` if it completed operations in a whole second after it.
    const worksAfter = (result: WorkloadResult, time: number) => result.perSecond.slice(Math.floor((time - result.started) / 1000) + 1).some((n) => n > 0);
    return {
      operations,
      meanPerSecond: Math.round(operations / (durationMs / 1000)),
      lowestSecond: Math.min(...Array.from({ length: Math.floor(durationMs / 1000) }, (_, second) => sum(finished, (result) => result.perSecond[second] ?? 0))),
      failed: sum(finished, (result) => result.failed),
      violations: sum(finished, (result) => result.violations.length),
      acknowledged: acks.length,
      lost: await countLost(probe, acks),
      injected: recoveries.length,
      survived: recoveries.filter(({ readyAt, ms }) => ms !== undefined && finished.every((result) => result.started > readyAt || worksAfter(result, readyAt))).length,
      maxRecoveryMs: Math.max(0, ...recoveries.map((entry) => entry.ms ?? Infinity)),
      notes: killed.size > 0 ? [`${killed.size} worker processes killed; their ${sum([...killed], (worker) => worker.acks.length)} acknowledged writes checked too`] : [],
    };
  } finally {
    await probe.close?.();
  }
}

/** Time from `since` until the probe store stores and loads again, or undefined after 15 s. */
async function recover(probe: SessionStore, since: number): Promise<number | undefined> {
  const data = new TextEncoder().encode(`probe ${since}`);
  while (Date.now() - since < 15_000) {
    try {
      await probe.store("reliability-probe", data, HOUR);
      const loaded = await probe.load("reliability-probe");
      if (loaded && Buffer.from(loaded).equals(data)) return Date.now() - since;
    } catch {
      await sleep(50);
    }
  }
  return undefined;
}

/** Loads every acknowledged once-only write, 32 at a time, and counts those that did not come back exactly. */
async function countLost(store: SessionStore, acks: readonly Ack[]): Promise<number> {
  let lost = 0;
  for (let i = 0; i < acks.length; i += 32) {
    const batch = acks.slice(i, i + 32);
    const found = await Promise.all(batch.map(([id]) => store.load(id)));
    batch.forEach(([id, stamp], index) => {
      const read = found[index] && readPayload(id, found[index]);
      if (!read || !isStamp(read) || key(read) !== stamp) lost += 1;
    });
  }
  return lost;
}
