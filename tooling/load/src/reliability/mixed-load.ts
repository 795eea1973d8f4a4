/**
 * The reliability workload: 10% once-only writes (which must all load back), then stores,
 * loads, touches and removes on shared ids and, optionally, short-TTL ids; every value
 * carries its id, writer and sequence number (payload.ts).
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { SessionStore } from "@session-store/core";
import { isStamp, makePayload, readPayload } from "./payload.js";
import type { Stamp } from "./payload.js";

/** What one worker does; plain data, so it can cross a process boundary. Stops after `operations` or `durationMs`. */
export interface WorkloadJob {
  /** The writer in every stamp it makes. */
  readonly worker: number;
  readonly idPrefix: string;
  /** Ids every worker stores, loads, touches and removes; ids stored with a short TTL, to catch expired values coming back. */
  readonly sharedIds: number;
  readonly shortIds: number;
  readonly operations?: number;
  readonly durationMs?: number;
  /** Operations in flight at once. */
  readonly concurrency: number;
  readonly longTtlMs: number;
  readonly shortTtlMs: readonly [number, number];
  readonly payloadBytes: readonly [number, number];
  /** Keep a log of every operation (for the checks), not only counts. */
  readonly record: boolean;
}

/** One operation as it happened, in wall-clock ms (comparable across processes on one machine). */
export interface LoggedOperation {
  readonly op: "store" | "load" | "touch" | "remove";
  readonly id: string;
  readonly start: number;
  readonly end: number;
  readonly ok: boolean;
  /** store: the stamp written; load: the stamp read, or null for undefined. */
  readonly stamp?: string | null;
  readonly ttlMs?: number;
  /** touch / remove: what it resolved. */
  readonly result?: boolean;
}

export type Ack = readonly [id: string, stamp: string];

export interface WorkloadResult {
  readonly worker: number;
  completed: number;
  failed: number;
  /** Operations completed in each second since `started` (wall-clock ms). */
  readonly perSecond: number[];
  readonly started: number;
  /** Loads that returned bytes not made for that id, or torn between two writes. */
  readonly violations: string[];
  /** A few distinct error messages, to check that none carries a secret. */
  readonly errorMessages: string[];
  /** Ids written once each by this worker and acknowledged: they must all load back. */
  readonly acknowledged: Ack[];
  readonly log: LoggedOperation[];
}

export const key = (stamp: Stamp): string => `${stamp.writer}:${stamp.seq}`;
const randomInt = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));

/** Runs the job; `onAck` hears of each acknowledged once-only write as it happens (a killed worker has told them already). */
export async function runWorkload(store: SessionStore, job: WorkloadJob, onAck?: (ack: Ack) => void): Promise<WorkloadResult> {
  const started = Date.now();
  const deadline = started + (job.durationMs ?? Infinity);
  const result: WorkloadResult = { worker: job.worker, completed: 0, failed: 0, perSecond: [], started, violations: [], errorMessages: [], acknowledged: [], log: [] };
  let [issued, seq, unique] = [0, 0, 0];

  /** Runs one operation, counts it, logs it; resolves whether it succeeded. */
  async function timed(op: LoggedOperation["op"], id: string, fields: Partial<LoggedOperation>, work: () => Promise<unknown>): Promise<boolean> {
    const start = Date.now();
    try {
      const value = await work();
      const end = Date.now();
      result.completed += 1;
      const second = Math.floor((end - started) / 1000);
      while (result.perSecond.length <= second) result.perSecond.push(0);
      result.perSecond[second]! += 1;
      if (job.record) result.log.push({ op, id, start, end, ok: true, ...fields, ...(typeof value === "boolean" && { result: value }) });
      return true;
    } catch (error) {
      result.failed += 1;
      const message = error instanceof Error ? error.message : String(error);
      if (result.errorMessages.length < 5 && !result.errorMessages.includes(message)) result.errorMessages.push(message);
      if (job.record) result.log.push({ op, id, start, end: Date.now(), ok: false, ...fields });
      // The backend is down: pace the retries instead of spinning on instant rejections.
      await sleep(20);
      return false;
    }
  }

  /** Stores a fresh value under `id`; resolves its stamp once acknowledged. */
  const write = async (id: string, ttlMs: number) => {
    const stamp = { writer: job.worker, seq: seq++ };
    const data = makePayload(id, stamp, randomInt(job.payloadBytes[0], job.payloadBytes[1]));
    return (await timed("store", id, { stamp: key(stamp), ttlMs }, () => store.store(id, data, ttlMs))) ? key(stamp) : undefined;
  };

  const load = (id: string) => {
    const fields: { stamp?: string | null } = {};
    return timed("load", id, fields, async () => {
      const bytes = await store.load(id);
      const read = bytes && readPayload(id, bytes);
      if (read && !isStamp(read)) result.violations.push(`load of ${id}: ${read.invalid}`);
      fields.stamp = read ? (isStamp(read) ? key(read) : "invalid") : null;
    });
  };

  async function one(): Promise<unknown> {
    const roll = Math.random();
    if (roll < 0.1) {
      const id = `${job.idPrefix}:w${job.worker}:u${unique++}`;
      const stamp = await write(id, job.longTtlMs);
      if (stamp) result.acknowledged.push([id, stamp]);
      return stamp && onAck?.([id, stamp]);
    }
    if (roll < 0.2 && job.shortIds > 0) {
      const id = `${job.idPrefix}:short${randomInt(0, job.shortIds - 1)}`;
      return Math.random() < 0.5 ? write(id, randomInt(job.shortTtlMs[0], job.shortTtlMs[1])) : load(id);
    }
    const id = `${job.idPrefix}:shared${randomInt(0, job.sharedIds - 1)}`;
    const kind = Math.random();
    if (kind < 0.35) return write(id, job.longTtlMs);
    if (kind < 0.8) return load(id);
    if (kind < 0.9) return timed("touch", id, { ttlMs: job.longTtlMs }, () => store.touch(id, job.longTtlMs));
    return timed("remove", id, {}, () => store.remove(id));
  }

  const loop = async () => {
    while (issued++ < (job.operations ?? Infinity) && Date.now() < deadline) await one();
  };
  await Promise.all(Array.from({ length: job.concurrency }, loop));
  return result;
}
