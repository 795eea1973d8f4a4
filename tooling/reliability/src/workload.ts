import type { SessionStore } from "@session-store/core";
import { setTimeout as sleep } from "node:timers/promises";
import { isStamp, makePayload, readPayload } from "./payload.js";

/** What one load-generating worker does; plain data, so it can cross a process boundary. */
export interface WorkloadJob {
  /** This worker's number: the writer in every stamp it makes. */
  readonly worker: number;
  /** Prefix of every id, unique per run. */
  readonly idPrefix: string;
  /** Ids every worker stores, loads, touches and removes. */
  readonly sharedIds: number;
  /** Ids stored with a short TTL and loaded, to catch expired values coming back. */
  readonly shortIds: number;
  /** Stop after this many operations... */
  readonly operations?: number;
  /** ...or after this long. */
  readonly durationMs?: number;
  /** Operations kept in flight at once. */
  readonly concurrency: number;
  readonly longTtlMs: number;
  readonly shortTtlMs: readonly [number, number];
  readonly payloadBytes: readonly [number, number];
  /** Keep a log of every operation (for the checks), not only counts. */
  readonly record: boolean;
}

export type OperationName = "store" | "load" | "touch" | "remove";

/** One operation as it happened, in wall-clock ms (comparable across processes on one machine). */
export interface LoggedOperation {
  readonly op: OperationName;
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

/** What a worker reports when it ends. */
export interface WorkloadResult {
  readonly worker: number;
  readonly completed: number;
  readonly failed: number;
  /** Operations completed in each second since the start. */
  readonly perSecond: number[];
  /** Operations failed in each second since the start. */
  readonly failedPerSecond: number[];
  /** Wall-clock ms when the workload started. */
  readonly started: number;
  /** Loads that returned bytes not made for that id, or torn between two writes. */
  readonly violations: string[];
  /** A few distinct error messages, to check that none carries a secret. */
  readonly errorMessages: string[];
  /** Ids written once each by this worker and acknowledged: they must all load back. */
  readonly acknowledged: ReadonlyArray<readonly [id: string, stamp: string]>;
  readonly log: LoggedOperation[];
}

const MAX_ERROR_MESSAGES = 5;

/**
 * Runs the job against `store` and reports what happened. `onAck` hears of each
 * acknowledged once-only write as it happens, so a worker killed mid-run has
 * already told its parent which writes must survive.
 */
export async function runWorkload(
  store: SessionStore,
  job: WorkloadJob,
  onAck?: (id: string, stamp: string) => void,
): Promise<WorkloadResult> {
  const started = Date.now();
  const deadline = job.durationMs === undefined ? Infinity : started + job.durationMs;
  const result = {
    worker: job.worker,
    completed: 0,
    failed: 0,
    perSecond: [] as number[],
    failedPerSecond: [] as number[],
    started,
    violations: [] as string[],
    errorMessages: [] as string[],
    acknowledged: [] as Array<readonly [string, string]>,
    log: [] as LoggedOperation[],
  };
  let issued = 0;
  let seq = 0;
  let unique = 0;

  const stampOf = () => ({ writer: job.worker, seq: seq++ });
  const size = () => randomInt(job.payloadBytes[0], job.payloadBytes[1]);

  async function one(): Promise<void> {
    const roll = Math.random();
    if (roll < 0.1) {
      const id = `${job.idPrefix}:w${job.worker}:u${unique++}`;
      const stamp = stampOf();
      const ok = await timed("store", id, { stamp: key(stamp), ttlMs: job.longTtlMs }, () =>
        store.store(id, makePayload(id, stamp, size()), job.longTtlMs),
      );
      if (ok) {
        result.acknowledged.push([id, key(stamp)]);
        onAck?.(id, key(stamp));
      }
    } else if (roll < 0.2 && job.shortIds > 0) {
      const id = `${job.idPrefix}:short${randomInt(0, job.shortIds - 1)}`;
      if (Math.random() < 0.5) {
        const stamp = stampOf();
        const ttlMs = randomInt(job.shortTtlMs[0], job.shortTtlMs[1]);
        await timed("store", id, { stamp: key(stamp), ttlMs }, () => store.store(id, makePayload(id, stamp, size()), ttlMs));
      } else {
        await load(id);
      }
    } else {
      const id = `${job.idPrefix}:shared${randomInt(0, job.sharedIds - 1)}`;
      const kind = Math.random();
      if (kind < 0.35) {
        const stamp = stampOf();
        await timed("store", id, { stamp: key(stamp), ttlMs: job.longTtlMs }, () =>
          store.store(id, makePayload(id, stamp, size()), job.longTtlMs),
        );
      } else if (kind < 0.8) {
        await load(id);
      } else if (kind < 0.9) {
        await timed("touch", id, { ttlMs: job.longTtlMs }, () => store.touch(id, job.longTtlMs));
      } else {
        await timed("remove", id, {}, () => store.remove(id));
      }
    }
  }

  async function load(id: string): Promise<void> {
    let stamp: string | null = null;
    await timed("load", id, {}, async () => {
      const bytes = await store.load(id);
      if (bytes === undefined) return undefined;
      const read = readPayload(id, bytes);
      if (!isStamp(read)) {
        result.violations.push(`load of ${id}: ${read.invalid}`);
        stamp = `invalid`;
      } else stamp = key(read);
      return undefined;
    }, () => stamp);
  }

  /** Runs one operation, counts it, logs it; resolves whether it succeeded. */
  async function timed<T>(
    op: OperationName,
    id: string,
    fields: { stamp?: string; ttlMs?: number },
    work: () => Promise<T>,
    stampAfter?: () => string | null,
  ): Promise<boolean> {
    const start = Date.now();
    try {
      const value = await work();
      const end = Date.now();
      count(end);
      if (job.record) {
        const stamp = stampAfter ? stampAfter() : fields.stamp;
        const resultField = typeof value === "boolean" ? { result: value } : {};
        result.log.push({ op, id, start, end, ok: true, ...fields, stamp, ...resultField });
      }
      return true;
    } catch (error) {
      result.failed += 1;
      bump(result.failedPerSecond, Date.now());
      const message = error instanceof Error ? error.message : String(error);
      if (result.errorMessages.length < MAX_ERROR_MESSAGES && !result.errorMessages.includes(message)) {
        result.errorMessages.push(message);
      }
      if (job.record) result.log.push({ op, id, start, end: Date.now(), ok: false, ...fields });
      // The backend is down: pace the retries instead of spinning on instant rejections.
      await sleep(20);
      return false;
    }
  }

  function count(end: number): void {
    result.completed += 1;
    bump(result.perSecond, end);
  }

  function bump(buckets: number[], time: number): void {
    const second = Math.floor((time - started) / 1000);
    while (buckets.length <= second) buckets.push(0);
    buckets[second]! += 1;
  }

  async function loop(): Promise<void> {
    while (issued < (job.operations ?? Infinity) && Date.now() < deadline) {
      issued += 1;
      await one();
    }
  }

  await Promise.all(Array.from({ length: job.concurrency }, loop));
  return result;
}

export function key(stamp: { writer: number; seq: number }): string {
  return `${stamp.writer}:${stamp.seq}`;
}

function randomInt(min: number, max: number): number {
  return min + Math.floor(Math.random() * (max - min + 1));
}
