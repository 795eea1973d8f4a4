import { describe, expect, it } from "vitest";
import type { ContenderResult } from "../src/bench/contend.js";
import { drive, populate } from "../src/bench/drive.js";
import { checkTarget, formatTable } from "../src/bench/table.js";
import type { Contender } from "../src/bench/types.js";
import { mergeSections, parseSections } from "../src/markdown.js";
import { median, spread } from "../src/stats.js";

function result(name: string, role: Contender["role"], opsPerSec: number): ContenderResult {
  const contender: Contender = { name, role, open: () => Promise.reject(new Error("not opened in this test")) };
  const runs = new Map<string, number[]>();
  for (const key of ["1024/1", "1024/64", "16384/1", "16384/64"]) runs.set(key, [opsPerSec * 0.9, opsPerSec, opsPerSec * 1.2]);
  return { contender, runs, misses: 0 };
}

describe("stats", () => {
  it("takes the median of odd and even counts and half the range as spread", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(spread([90, 100, 120])).toBeCloseTo(0.15);
  });
});

describe("table", () => {
  const results = [result("raw", "raw", 1000), result("ours", "ours", 600), result("peer", "peer", 50)];

  it("prints the median and the ratio to the raw row", () => {
    const table = formatTable(results);
    expect(table).toContain("| **ours** | 600 (0.60x) ±15% |");
    expect(table).toContain("| peer | 50 (0.05x) ±15% |");
  });

  it("checks the target only in the cells it covers", () => {
    expect(checkTarget(results, { minRatio: 0.5, sizes: [1024] })).toMatch(/: met \(1 KiB c=1 0\.600x, 1 KiB c=64 0\.600x\)/);
    expect(checkTarget(results, { minRatio: 0.9 })).toMatch(/missed in 4 of 4 cells/);
  });
});

describe("report", () => {
  it("replaces the sections of the backends that ran and keeps the others", () => {
    const first = mergeSections("# header\n", "", new Map([["sqlite", "## sqlite\nold"], ["memory", "## memory\nold"]]), ["memory", "sqlite"]);
    const second = mergeSections("# header\n", first, new Map([["sqlite", "## sqlite\nnew"]]), ["memory", "sqlite"]);
    const sections = parseSections(second);
    expect([...sections.keys()]).toEqual(["memory", "sqlite"]);
    expect(sections.get("memory")).toBe("## memory\nold");
    expect(sections.get("sqlite")).toBe("## sqlite\nnew");
  });
});

describe("workload", () => {
  it("issues about 80% loads and 20% stores, all hitting the populated ids", async () => {
    const map = new Map<string, Buffer>();
    let loads = 0;
    let stores = 0;
    const workload = {
      load: async (id: string) => {
        loads++;
        return map.get(id);
      },
      store: async (id: string, data: Buffer) => {
        stores++;
        map.set(id, data);
      },
      close: async () => {},
    };
    const ids = ["a", "b", "c", "d"];
    await populate(workload, ids, Buffer.from([1]));
    stores = 0;
    const run = await drive(workload, { ids, blob: Buffer.from([2]), concurrency: 4, durationMs: 50 });
    expect(run.misses).toBe(0);
    expect(run.ops).toBe(loads + stores);
    expect(stores / run.ops).toBeGreaterThan(0.15);
    expect(stores / run.ops).toBeLessThan(0.25);
  });
});
