import type { BadInputReport } from "./bad-inputs.js";
import type { FaultFigures, ThroughputFigures } from "./measure.js";

/** Everything measured on one backend. */
export interface BackendFigures {
  readonly name: string;
  readonly skipped?: string;
  readonly version?: string;
  readonly throughput?: ThroughputFigures;
  readonly faults?: FaultFigures;
  readonly badInputs?: BadInputReport;
}

export interface ReportContext {
  readonly command: string;
  readonly date: string;
  readonly machine: string;
  readonly workers: number;
  readonly durationSeconds: number;
  readonly faultSeconds: number;
}

/** Whether every figure that must hold did: nothing lost, nothing torn, every fault survived, every bad input refused. */
export function passed(figures: readonly BackendFigures[]): boolean {
  return figures.every((entry) => {
    const { throughput, faults, badInputs } = entry;
    return (
      (!throughput || (throughput.lost === 0 && throughput.violations === 0 && throughput.failed === 0)) &&
      (!faults || (faults.lost === 0 && faults.violations === 0 && faults.survived === faults.injected)) &&
      (!badInputs || badInputs.refused === badInputs.tried)
    );
  });
}

const n = (value: number) => value.toLocaleString("en-US");

/** RELIABILITY.md: how it was produced, then one table per topic. */
export function renderReport(context: ReportContext, figures: readonly BackendFigures[]): string {
  const measured = figures.filter((entry) => !entry.skipped);
  const lines = [
    "# Reliability figures",
    "",
    "Written by the reliability script of `tooling/reliability`; rerun it to refresh this file:",
    "",
    "```sh",
    context.command,
    "```",
    "",
    `- Date: ${context.date}`,
    `- Machine: ${context.machine}`,
    `- Load: ${context.workers} worker processes (memory: ${context.workers} loops in one process), 16 operations in flight each; ` +
      "10% once-only writes, then on 1,000 shared ids 35% store, 45% load, 10% touch, 10% remove; 100 B to 2 KB values, 1 h TTL.",
    `- Result: ${passed(figures) ? "**pass**: no acknowledged write lost, no torn value, every fault survived, every bad input refused" : "**FAIL**: see the tables"}`,
    "",
    `## Sustained throughput (${context.durationSeconds} s per backend)`,
    "",
    "| backend | server | operations | mean ops/s | slowest second (ops) | failed | torn or foreign values | acknowledged writes | lost |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...measured.filter((entry) => entry.throughput).map((entry) => {
      const t = entry.throughput!;
      return `| ${entry.name} | ${entry.version ?? ""} | ${n(t.operations)} | ${n(t.meanPerSecond)} | ${n(t.lowestSecond)} | ${n(t.failed)} | ${t.violations} | ${n(t.acknowledged)} | **${t.lost}** |`;
    }),
    "",
    `## Faults survived (${context.faultSeconds} s of load per backend, one fault every few seconds)`,
    "",
    "| backend | fault | injected | survived (no restart of the app) | slowest recovery | failed calls during faults | torn values | acknowledged writes | lost |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...measured.map((entry) => {
      const f = entry.faults;
      if (!f) return `| ${entry.name} | none applies (in-process) | | | | | | | |`;
      return `| ${entry.name} | ${f.kind} | ${f.injected} | ${f.survived} | ${n(f.maxRecoveryMs)} ms | ${n(f.failedDuringFaults)} | ${f.violations} | ${n(f.acknowledged)} | **${f.lost}** |`;
    }),
    "",
    ...measured.flatMap((entry) => (entry.faults?.notes ?? []).map((note) => `- ${entry.name}: ${note}`)),
    "",
    "## Bad inputs",
    "",
    "Random ids that are empty, hold NUL or a lone surrogate, exceed 512 UTF-8 bytes or are not strings; bad TTLs; data that is not a Uint8Array.",
    "",
    "| backend | tried | refused with TypeError/RangeError | anything else |",
    "| --- | ---: | ---: | --- |",
    ...measured.filter((entry) => entry.badInputs).map((entry) => {
      const b = entry.badInputs!;
      return `| ${entry.name} | ${n(b.tried)} | ${n(b.refused)} | ${b.wrong.join("; ") || "none"} |`;
    }),
    "",
    ...(figures.some((entry) => entry.skipped)
      ? ["## Skipped", "", ...figures.filter((entry) => entry.skipped).map((entry) => `- ${entry.name}: ${entry.skipped}`), ""]
      : []),
    "## How to read this",
    "",
    "- *Slowest second* is the fewest operations completed in any whole second of the run: the rate the backend held throughout, on a shared 2-core machine with the load generators on it.",
    "- *Lost* counts writes a store acknowledged (its promise resolved) that did not load back byte for byte afterwards; it must be 0. Writes that rejected during a fault are not acknowledged and not counted.",
    "- *Survived* means that after the fault, a store opened before it stored and loaded again within 15 s, and every load process kept completing operations, without reopening anything.",
    "- *Torn or foreign values* counts loads that returned bytes other than one whole value written under that id (each value carries its id, writer and sequence number and a filler derived from them).",
    "",
  ];
  return lines.join("\n");
}
