/** RELIABILITY.md: how it was produced, then one table per topic. */
import { bounded, SETTLE_MARGIN_MS } from "./mongo-unreachable.js";
import type { UnreachableFigures } from "./mongo-unreachable.js";
import { table } from "../markdown.js";
import type { BadInputReport } from "./bad-inputs.js";
import type { LoadFigures } from "./sustain.js";

/** Everything measured on one backend. */
export interface BackendFigures {
  readonly name: string;
  readonly skipped?: string;
  readonly version?: string;
  readonly throughput?: LoadFigures;
  readonly faults?: LoadFigures & { readonly kind: string };
  readonly badInputs?: BadInputReport;
}

export interface ReportContext {
  readonly command: string;
  readonly machine: string;
  readonly workers: number;
  readonly durationSeconds: number;
  readonly faultSeconds: number;
}

/** Whether every figure that must hold did: nothing lost, nothing torn, every fault survived, every bad input refused. */
export function passed(figures: readonly BackendFigures[]): boolean {
  return figures.every(
    ({ throughput: t, faults: f, badInputs: b }) =>
      (!t || (t.lost === 0 && t.violations === 0 && t.failed === 0)) &&
      (!f || (f.lost === 0 && f.violations === 0 && f.survived === f.injected)) &&
      (!b || b.refused === b.tried),
  );
}

export function renderReport(context: ReportContext, figures: readonly BackendFigures[]): string {
  const measured = figures.filter((entry) => !entry.skipped);
  const skipped = figures.filter((entry) => entry.skipped);
  return [
    "# Reliability figures",
    "",
    "Written by `pnpm reliability` (tooling/load); rerun it to refresh this file:",
    "",
    "```sh",
    context.command,
    "```",
    "",
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${context.machine}`,
    `- Load: ${context.workers} worker processes (memory: ${context.workers} loops in one process), 16 operations in flight each; ` +
      "10% once-only writes, then on 1,000 shared ids 35% store, 45% load, 10% touch, 10% remove; 100 B to 2 KB values, 1 h TTL.",
    `- Result: ${passed(figures) ? "**pass**: no acknowledged write lost, no torn value, every fault survived, every bad input refused" : "**FAIL**: see the tables"}`,
    "",
    `## Sustained throughput (${context.durationSeconds} s per backend)`,
    "",
    table(
      ["backend", "server", "operations:", "mean ops/s:", "slowest second (ops):", "failed:", "torn or foreign values:", "acknowledged writes:", "lost:"],
      measured.flatMap(({ name, version, throughput: t }) =>
        t ? [[name, version ?? "", t.operations, t.meanPerSecond, t.lowestSecond, t.failed, t.violations, t.acknowledged, `**${t.lost}**`]] : [],
      ),
    ),
    "",
    `## Faults survived (${context.faultSeconds} s of load per backend, one fault every few seconds)`,
    "",
    table(
      ["backend", "fault", "injected:", "survived (no restart of the app):", "slowest recovery:", "failed calls during faults:", "torn values:", "acknowledged writes:", "lost:"],
      measured.map(({ name, faults: f }) =>
        f
          ? [name, f.kind, f.injected, f.survived, `${f.maxRecoveryMs.toLocaleString("en-US")} ms`, f.failed, f.violations, f.acknowledged, `**${f.lost}**`]
          : [name, "none applies (in-process)", "", "", "", "", "", "", ""],
      ),
    ),
    "",
    ...measured.flatMap(({ name, faults }) => (faults?.notes ?? []).map((note) => `- ${name}: ${note}`)),
    "",
    "## Bad inputs",
    "",
    "Random ids that are empty, hold NUL or a lone surrogate, exceed 512 UTF-8 bytes or are not strings; bad TTLs; data that is not a Uint8Array.",
    "",
    table(
      ["backend", "tried:", "refused with TypeError/RangeError:", "anything else"],
      measured.flatMap(({ name, badInputs: b }) => (b ? [[name, b.tried, b.refused, b.wrong.join("; ") || "none"]] : [])),
    ),
    "",
    ...(skipped.length > 0 ? ["## Skipped", "", ...skipped.map((entry) => `- ${entry.name}: ${entry.skipped}`), ""] : []),
    "## How to read this",
    "",
    "- *Slowest second* is the fewest operations completed in any whole second of the run: the rate the backend held throughout, on a shared 2-core machine with the load generators on it.",
    "- *Lost* counts writes a store acknowledged (its promise resolved) that did not load back byte for byte afterwards; it must be 0. Writes that rejected during a fault are not acknowledged and not counted.",
    "- *Survived* means that after the fault, a store opened before it stored and loaded again within 15 s, and every load process kept completing operations, without reopening anything.",
    "- *Torn or foreign values* counts loads that returned bytes other than one whole value written under that id (each value carries its id, writer and sequence number and a filler derived from them).",
    "",
  ].join("\n");
}

/** MongoDB without a server: every call against a closed port and a black hole settles in time. */
export function renderUnreachable(figures: readonly UnreachableFigures[]): string {
  return [
    "## MongoDB without a server: every call bounded",
    "",
    "No MongoDB server runs on this machine (its real-server tests run in the GitHub `mongo` job). Every operation of `MongoStore`, " +
      "mixed, against a closed port and a black hole (a loopback socket that accepts and never answers); each must reject with a " +
      `SessionStoreError within timeoutMs + ${SETTLE_MARGIN_MS.toLocaleString("en-US")} ms, and nothing may be left unhandled.`,
    "",
    table(
      ["target", "calls (in flight):", "timeoutMs:", "slowest settle:", "p99 settle:", "resolved:", "unhandled rejections:", "close:", "errors by kind", "bounded"],
      figures.map((f) => [
        f.target,
        `${f.calls} (${f.concurrency})`,
        f.timeoutMs,
        `${f.maxSettleMs} ms`,
        `${f.p99SettleMs} ms`,
        f.resolved,
        f.unhandledRejections,
        `${f.closeMs} ms`,
        Object.entries(f.errors).map(([kind, n]) => `${kind}: ${n}`).join("; "),
        bounded(f) ? "yes" : "**no**",
      ]),
    ),
    "",
  ].join("\n");
}
