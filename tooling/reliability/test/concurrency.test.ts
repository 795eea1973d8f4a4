import { afterAll, describe, expect, it } from "vitest";
import { allBackends } from "../src/backends.js";
import { isStamp, readPayload } from "../src/payload.js";
import { runWorkers } from "../src/run-workers.js";
import { verifyLogs } from "../src/verify.js";
import { key, runWorkload } from "../src/workload.js";
import type { WorkloadJob, WorkloadResult } from "../src/workload.js";

const backends = await allBackends();
afterAll(() => Promise.all(backends.map((backend) => backend.cleanup())));

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
    longTtlMs: 3_600_000,
    shortTtlMs: [30, 150] as const,
    payloadBytes: [0, 16_384] as const,
    record: true,
  }));
}

for (const backend of backends) {
  const where = backend.multiProcess ? `${WORKERS} processes` : `${WORKERS} concurrent loops in one process`;
  describe.skipIf(backend.skip !== undefined)(`${backend.name} under load${backend.skip ? ` (skipped: ${backend.skip})` : ""}`, () => {
    it(`${WORKERS * OPERATIONS_PER_WORKER} operations from ${where} on overlapping ids: whole values, none expired, none lost`, async () => {
      const namespace = backend.newNamespace();
      const store = await backend.open(namespace);
      try {
        // The first call creates the table, so the workers test the sessions, not a DDL race.
        await store.load("warm-up");
        const planned = jobs(namespace);
        const results: WorkloadResult[] = backend.multiProcess
          ? await runWorkers(backend.spec(namespace), planned)
          : await Promise.all(planned.map((job) => runWorkload(store, job)));

        const ids = new Set(results.flatMap((result) => result.log.map((entry) => entry.id)));
        const finals = new Map<string, string | null>();
        for (const id of ids) {
          const bytes = await store.load(id);
          const read = bytes && readPayload(id, bytes);
          finals.set(id, read === undefined ? null : isStamp(read) ? key(read) : `invalid: ${read.invalid}`);
        }
        const lost = results
          .flatMap((result) => result.acknowledged)
          .filter(([id, stamp]) => finals.get(id) !== stamp);

        expect(results.reduce((sum, result) => sum + result.failed, 0)).toBe(0);
        expect(results.reduce((sum, result) => sum + result.completed, 0)).toBe(WORKERS * OPERATIONS_PER_WORKER);
        expect(lost).toEqual([]);
        expect(verifyLogs(results, finals, (backend.capabilities.expirySlackMs ?? 25) + 5)).toEqual([]);
        // The check must have had something to check: loads that found values, on ids several workers wrote.
        const hits = results.flatMap((result) => result.log).filter((entry) => entry.op === "load" && entry.stamp);
        expect(hits.length).toBeGreaterThan(100);
      } finally {
        await store.close?.();
      }
    });
  });
}

