import { HOUR } from "@session-store/harness";
import { openStore } from "@session-store/open";
import { describe, expect, it } from "vitest";
import { isStamp, readPayload } from "../src/reliability/payload.js";
import { key } from "../src/reliability/mixed-load.js";
import type { WorkloadJob, WorkloadResult } from "../src/reliability/mixed-load.js";
import { startWorkers } from "../src/reliability/sustain.js";
import { backends, capabilities } from "./backends.js";
import { verifyLogs } from "./verify-logs.js";

const WORKERS = 3;
const OPERATIONS_PER_WORKER = 1_200;

function jobs(idPrefix: string): WorkloadJob[] {
  return Array.from({ length: WORKERS }, (_, worker) => ({
    worker,
    idPrefix,
    sharedIds: 12,
    shortIds: 6,
    operations: OPERATIONS_PER_WORKER,
    concurrency: 24,
    longTtlMs: HOUR,
    shortTtlMs: [30, 150] as const,
    payloadBytes: [0, 16_384] as const,
    record: true,
  }));
}

for (const backend of backends) {
  // Memory: a store lives in one process, so its workers are loops in this one.
  const inProcess = backend.name === "memory";
  const where = inProcess ? `${WORKERS} concurrent loops in one process` : `${WORKERS} processes`;
  describe.skipIf(backend.skip !== undefined)(`${backend.name} under load${backend.skip ? ` (skipped: ${backend.skip})` : ""}`, () => {
    it(`${WORKERS * OPERATIONS_PER_WORKER} operations from ${where} on overlapping ids: whole values, none expired, none lost`, async () => {
      const url = backend.storeUrl();
      const store = await openStore(url);
      try {
        // The first call creates the table, so the workers test the sessions, not a DDL race.
        await store.load("warm-up");
        const workers = await startWorkers(url, jobs("load"), inProcess ? store : undefined);
        const results = (await Promise.all(workers.map((worker) => worker.result))) as WorkloadResult[];

        const ids = new Set(results.flatMap((result) => result.log.map((entry) => entry.id)));
        const finals = new Map<string, string | null>();
        for (const id of ids) {
          const bytes = await store.load(id);
          const read = bytes && readPayload(id, bytes);
          finals.set(id, read === undefined ? null : isStamp(read) ? key(read) : `invalid: ${read.invalid}`);
        }
        const lost = results.flatMap((result) => result.acknowledged).filter(([id, stamp]) => finals.get(id) !== stamp);

        expect(results.reduce((sum, result) => sum + result.failed, 0)).toBe(0);
        expect(results.reduce((sum, result) => sum + result.completed, 0)).toBe(WORKERS * OPERATIONS_PER_WORKER);
        expect(lost).toEqual([]);
        expect(verifyLogs(results, finals, (capabilities[backend.name]?.expirySlackMs ?? 25) + 5)).toEqual([]);
        // The check must have had something to check: loads that found values, on ids several workers wrote.
        const hits = results.flatMap((result) => result.log).filter((entry) => entry.op === "load" && entry.stamp);
        expect(hits.length).toBeGreaterThan(100);
      } finally {
        await store.close?.();
      }
    });
  });
}
