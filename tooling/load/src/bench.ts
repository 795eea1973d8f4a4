/**
 * `pnpm bench [backend...] [--quick] [--no-write]`: every backend of src/bench/cases/ (or the
 * named ones), one markdown section each, written to BENCHMARKS.md in place of that
 * backend's old section. BENCH_RUN_MS and BENCH_RUNS override the time budget.
 */
import { writeFile } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import type { BackendName } from "@session-store/harness";
import { harness } from "@session-store/harness";
import { BENCH_BACKENDS, benchOf, measureBackend, message } from "./bench/contend.js";
import { measureManagement } from "./bench/management.js";
import { checkTarget, contenderNotes, formatTable } from "./bench/table.js";
import type { BenchContext } from "./bench/types.js";
import { loadAverage, machine, mergeSections, parseSections, readReport, rootFile } from "./markdown.js";
import { backendVersion } from "./versions.js";

const REPORT = rootFile("BENCHMARKS.md");
const HEADER = `# Benchmarks

Written by \`pnpm bench\` (tooling/load); rerun it rather than editing this file.
\`pnpm bench <backend>\` reruns one backend and replaces only its section.

How to read the tables: each figure is the median ops/s of several timed runs over
10,000 session ids stored before the runs, 80% \`load\` / 20% \`store\` of one random
blob (1 KiB or 16 KiB), issued by 1 or 64 async loops that each await one operation
before the next. The ratio in brackets is to the raw-driver row, which runs the same
statements as our store (same SQL, same commands, same pool size), so it measures only
our overhead; it is the median over repetitions of the two rows' runs in the same
repetition. ±x% is half the range of the runs: on a busy machine, trust ratios more
than absolute figures. Each contender runs in a process of its own (its own heap and
garbage collector); they are open side by side and take turns run by run, the order
rotating each repetition, so drift on the machine hits all of them.
`;

const log = (line: string) => console.error(line);
const { values, positionals: wanted } = parseArgs({ allowPositionals: true, options: { quick: { type: "boolean" }, "no-write": { type: "boolean" } } });
const unknown = wanted.filter((name) => !BENCH_BACKENDS.includes(name as BackendName));
if (unknown.length > 0) throw new RangeError(`unknown backend ${unknown.join(", ")}; known: ${BENCH_BACKENDS.join(", ")}`);
const quick = values.quick ?? false;
const positiveInt = (value: string | undefined) => (value && Number.isInteger(Number(value)) && Number(value) > 0 ? Number(value) : undefined);
const context: BenchContext = {
  // Many short runs rather than a few long ones: runs of one repetition sit close in
  // time, so the paired ratios see the same machine, and their median shrugs off a slow spell.
  runMs: positiveInt(process.env.BENCH_RUN_MS) ?? (quick ? 200 : 300),
  runs: Math.max(3, positiveInt(process.env.BENCH_RUNS) ?? (quick ? 3 : 7)),
  quick,
  log,
};
const command = ["pnpm bench", ...process.argv.slice(2)].join(" ");

async function runBackend(name: BackendName): Promise<string> {
  const backend = await harness(name);
  if (backend.skip) throw new Error(backend.skip.replace(`${name}: skipped, `, ""));
  try {
    const bench = await benchOf(name);
    const version = await backendVersion(backend).catch(() => "version unknown");
    const loadBefore = loadAverage();
    const started = performance.now();
    const results = await measureBackend(name, bench, context);
    const extra = await bench.extra?.(context, backend).catch((error: unknown) => `Extra figures failed: ${message(error)}`);
    const management = await measureManagement(context, backend).catch((error: unknown) => `Management figures failed: ${message(error)}`);
    return [
      `## ${name}`,
      "",
      `Run ${new Date().toISOString()} with \`${command}\` (${((performance.now() - started) / 1000).toFixed(0)} s for this backend).`,
      `Machine: ${machine()}; ${version}${backend.url ? ` on ${new URL(backend.url).host}` : ""}; load average ${loadBefore} before, ${loadAverage()} after.`,
      `Each figure: median of ${context.runs} runs of ${context.runMs} ms.`,
      "",
      formatTable(results),
      "",
      ...(bench.target ? [checkTarget(results, bench.target), ""] : []),
      ...contenderNotes(results),
      ...(bench.notes ? ["", bench.notes] : []),
      ...(extra ? ["", extra] : []),
      "",
      management,
    ].join("\n");
  } finally {
    await backend.cleanup();
  }
}

const started = performance.now();
const existing = parseSections(await readReport(REPORT));
const sections = new Map<string, string>();
for (const name of wanted.length > 0 ? BENCH_BACKENDS.filter((known) => wanted.includes(known)) : BENCH_BACKENDS) {
  log(`\n# ${name}`);
  const section = await runBackend(name).catch((error: unknown) => {
    log(`${name}: skipped, ${message(error)}`);
    // A skip does not replace figures from an earlier run.
    return existing.has(name) ? undefined : `## ${name}\n\nSkipped on ${new Date().toISOString()}: ${message(error)}.`;
  });
  if (section) console.log(`\n${section}\n`);
  if (section) sections.set(name, section);
}
if (!values["no-write"] && sections.size > 0) {
  await writeFile(REPORT, mergeSections(HEADER, await readReport(REPORT), sections, BENCH_BACKENDS));
  log(`wrote ${REPORT}`);
}
log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
// Exit explicitly: some peers leave timers running that they never clear.
process.exit(0);
