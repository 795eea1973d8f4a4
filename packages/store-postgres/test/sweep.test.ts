import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it, vi } from "vitest";
import { statementsFor } from "../src/internal.js";
import { sweepExpired } from "../src/sweep.js";
import type { RunStatement } from "../src/sweep.js";

/**
 * The block walk's sizing, on a scripted server: 10,000 blocks with 5 expired rows each,
 * where one statement is slow (a checkpoint, a busy disk). The real server's plans and
 * counts are tested in postgres.test.ts.
 */
describe("the block walk's range size", () => {
  afterEach(() => vi.restoreAllMocks());

  it("shrinks after a slow statement and grows back, deleting every row once", async () => {
    const statements = statementsFor({ schema: "public", table: "sessions" }, 1000);
    const ranges: number[] = [];
    let indexBatches = 0;
    const run: RunStatement = async (statement, values) => {
      const reply = (row: unknown[]) => ({ rows: [row] }) as unknown as Awaited<ReturnType<RunStatement>>;
      if (statement === statements.sweepBatch) return reply(++indexBatches === 1 ? [1000, "2030-01-01T00:00:00.000000Z"] : [0, null]);
      if (statement === statements.sweepSize) return reply([10_000, "2030-01-01T00:00:00.000000Z", 150_000]);
      if (statement === statements.sweepEstimate) return reply([[{ Plan: { "Plan Rows": 50_000 } }]]);
      const [first, last] = (values as string[]).map((tid) => Number(/^\((\d+),0\)$/.exec(tid)?.[1]));
      ranges.push(last! - first!);
      if (ranges.length === 3) await sleep(150);
      return reply([(last! - first!) * 5]);
    };
    // The walk starts at block 0 rather than a random one, so no range is cut short by the end of a leg.
    vi.spyOn(Math, "random").mockReturnValue(0);
    const deleted = await sweepExpired({ statements, batchSize: 1000, run, stopping: () => false });
    expect(deleted).toBe(1000 + 10_000 * 5);
    // Sized from the estimate: 1000 rows at 5 per block.
    expect(ranges.slice(0, 3)).toEqual([200, 200, 200]);
    expect(ranges[3]).toBeLessThanOrEqual(100);
    expect(Math.max(...ranges.slice(4, 8))).toBe(200);
  });
});
