import { describe, expect, it } from "vitest";
import type { ContenderResult } from "../src/bench/contend.js";
import { drive, populate } from "../src/bench/drive.js";
import { barChart } from "../src/bench/chart.js";
import { formatHttpTable, meetsTarget } from "../src/bench/http/bench.js";
import { requestCycle } from "../src/bench/http/cannon.js";
import { checkTarget, formatTable, storeChart } from "../src/bench/table.js";
import { tableTargets, targetsSection } from "../src/bench/targets.js";
import type { Contender } from "../src/bench/types.js";
import { mergeSections, parseSections } from "../src/markdown.js";
import { median, spread } from "../src/stats.js";

function result(name: string, role: Contender["role"], opsPerSec: number): ContenderResult {
  const contender: Contender = { name, role, open: () => Promise.reject(new Error("not opened in this test")) };
  const runs = new Map<string, number[]>();
  for (const key of ["1024/1", "1024/64", "16384/1", "16384/64"]) runs.set(key, [opsPerSec * 0.9, opsPerSec, opsPerSec * 1.2]);
  return { contender, runs, cpu: new Map(), misses: 0 };
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

describe("CPU per op", () => {
  it("prints the median CPU per op beside ops/s when the runs measured it", () => {
    const [raw, ours] = [result("raw", "raw", 1000), result("ours", "ours", 600)];
    ours.cpu.set("1024/1", [3.1, 2.4, 9]);
    expect(formatTable([raw, ours])).toContain("| **ours** | 600 (0.60x) ±15%, 3.1 µs |");
  });
});

describe("chart", () => {
  it("draws one bar per contender and cell, relative to the raw row, with names escaped", () => {
    const svg = barChart(storeChart("redis", [result("raw", "raw", 1000), result("ours <&>", "ours", 1500)]));
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.match(/<rect [^>]*fill="#1f6feb"><title>/g)).toHaveLength(4);
    expect(svg).toContain("ours &lt;&amp;&gt;, 1 KiB, c=1: 1.500x");
    expect(svg).not.toContain("ours <&>");
  });
});

describe("open targets", () => {
  it("checks the Redis ratios at c=1 and c=64 and keeps other backends' rows on a rerun", () => {
    const results = [result("raw ioredis", "raw", 1000), result("ours", "ours", 1000)];
    results[1]!.runs.set("1024/64", [1200, 1250, 1400]);
    const targets = tableTargets("redis", results);
    expect(targets.map((t) => [t.target, t.figure, t.met])).toEqual([
      ["1 KiB c=1: ours >= 0.95x raw ioredis", "1.000x", true],
      ["1 KiB c=64: ours >= 1.3x raw ioredis", "1.250x", false],
    ]);
    const first = targetsSection(undefined, [{ backend: "memory", target: "m", figure: "1x", met: true }, ...targets], ["memory", "redis"], "day 1");
    const second = targetsSection(first, [{ backend: "redis", target: "r", figure: "2x", met: true }], ["redis"], "day 2");
    expect(second).toContain("| memory | m | 1x | met | day 1 |");
    expect(second).toContain("| redis | r | 2x | met | day 2 |");
    expect(second).not.toContain("day 1 |\n| redis | 1 KiB");
    expect(second).not.toContain("ioredis");
  });

  it("holds memory to 0.9x the copying reference and 5x every peer", () => {
    const targets = tableTargets("memory", [result("raw", "raw", 1000), result("ours", "ours", 500), result("reference: copy", "peer", 520), result("peer", "peer", 120)]);
    expect(targets.map((t) => t.met)).toEqual([true, false]);
    expect(targets[1]?.figure).toMatch(/^lowest 4\.17x \(peer, /);
  });
});

describe("http", () => {
  const measured = (requestsPerSec: number, p99Ms: number) => ({ requestsPerSec, p50Ms: 1, p99Ms, requests: 100, failures: 0, cpuUsPerRequest: 50 });
  const row = (ours: [number, number], theirs: [number, number]) => ({ backend: "redis" as const, framework: "express" as const, peer: "connect-redis", ours: measured(...ours), theirs: measured(...theirs) });

  it("meets the target only with >=1.2x the req/s and a lower p99", () => {
    expect(meetsTarget(row([1200, 9], [1000, 10]))).toBe(true);
    expect(meetsTarget(row([1190, 9], [1000, 10]))).toBe(false);
    expect(meetsTarget(row([2000, 10], [1000, 10]))).toBe(false);
    expect(formatHttpTable([row([1500, 9], [1000, 10])])).toContain("| 1,500 / 1,000 | 1.50x | 1 / 1 | 9 / 10 | 50.0 µs / 50.0 µs | met |");
  });

  it("cycles through 5% sign-in, 70% reads, 20% writes and 5% sign-out, signing in first", () => {
    const cycle = requestCycle();
    const share = (method: string, path: string) => cycle.filter((r) => r.method === method && r.path === path).length / cycle.length;
    expect([share("POST", "/login"), share("GET", "/"), share("POST", "/cart"), share("POST", "/logout")]).toEqual([0.05, 0.7, 0.2, 0.05]);
    expect(cycle[0]?.path).toBe("/login");
    expect(cycle.at(-1)?.path).toBe("/logout");
  });
});
