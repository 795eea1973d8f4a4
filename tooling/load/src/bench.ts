/**
 * `pnpm bench [backend... | http] [--quick] [--no-write]`: every backend of src/bench/cases/
 * (or the named ones) and the HTTP section, one markdown section each, written to
 * BENCHMARKS.md in place of that section's old text, with a chart per section in
 * tooling/load/charts/ and the open targets at the top. BENCH_RUN_MS and BENCH_RUNS
 * override the store bench's time budget, BENCH_HTTP_WARMUP_S and BENCH_HTTP_SECONDS the
 * HTTP bench's.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import type { BackendName } from "@session-store/harness";
import { harness } from "@session-store/harness";
import type { Chart } from "./bench/chart.js";
import { barChart } from "./bench/chart.js";
import { BENCH_BACKENDS, benchOf, measureBackend, message } from "./bench/contend.js";
import { httpChart, measureHttp } from "./bench/http/bench.js";
import { copyBench } from "./bench/copy.js";
import { measureManagement } from "./bench/management.js";
import { checkTarget, contenderNotes, formatTable, storeChart } from "./bench/table.js";
import type { OpenTarget } from "./bench/targets.js";
import { tableTargets, targetsSection } from "./bench/targets.js";
import type { BenchContext } from "./bench/types.js";
import { count, loadAverage, machine, mergeSections, parseSections, readReport, rootFile, table } from "./markdown.js";
import { backendVersion } from "./versions.js";

const REPORT = rootFile("BENCHMARKS.md");
/** Where the charts go; BENCHMARKS.md (at the root) links them by this relative path. */
const CHARTS = fileURLToPath(new URL("../charts/", import.meta.url));
const chartLink = (name: string, alt: string) => `![${alt}](tooling/load/charts/${name}.svg)`;
const HEADER = `# Benchmarks

Written by \`pnpm bench\` (tooling/load); rerun it rather than editing this file.
\`pnpm bench <backend>\` (or \`pnpm bench http\`) reruns one section and replaces only it.

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

Beside each ops/s figure is the CPU time per operation (user + system, \`process.cpuUsage()\`)
of that contender's own process over its runs, median of the runs. Time the process
spends waiting for a core, for the server or for the network is not in it, so a busy
machine moves it far less than ops/s. When the spread (±x%) is large, trust CPU/op to
compare the clients' overhead, and the medians (and their ratios) for throughput: CPU/op
leaves out the server's work and the waits, which ops/s includes. The chart under each
table shows every contender's ops/s relative to the raw driver, cell by cell.
`;

/** Sections beside the backends', in file order after the open targets. */
const SECTIONS = ["http", "copy"] as const;
type SectionName = BackendName | (typeof SECTIONS)[number];
const ORDER: readonly string[] = ["targets", ...SECTIONS, ...BENCH_BACKENDS];
type Section = { readonly text: string; readonly chart?: Chart; readonly targets?: readonly OpenTarget[] };

const log = (line: string) => console.error(line);
const { values, positionals: wanted } = parseArgs({ allowPositionals: true, options: { quick: { type: "boolean" }, "no-write": { type: "boolean" } } });
const known: readonly string[] = [...BENCH_BACKENDS, ...SECTIONS];
const unknown = wanted.filter((name) => !known.includes(name));
if (unknown.length > 0) throw new RangeError(`unknown section ${unknown.join(", ")}; known: ${known.join(", ")}`);
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

async function runBackend(name: BackendName): Promise<Section> {
  const backend = await harness(name);
  if (backend.skip) throw new Error(backend.skip.replace(`${name}: skipped, `, ""));
  try {
    const bench = await benchOf(name);
    const version = await backendVersion(backend).catch(() => "version unknown");
    const loadBefore = loadAverage();
    const started = performance.now();
    const results = await measureBackend(name, bench, context);
    const targets = tableTargets(name, results);
    const extraContext: BenchContext = { ...context, openTarget: (target) => targets.push(target) };
    const extra = await bench.extra?.(extraContext, backend).catch((error: unknown) => `Extra figures failed: ${message(error)}`);
    const management = await measureManagement(context, backend).catch((error: unknown) => `Management figures failed: ${message(error)}`);
    const text = [
      `## ${name}`,
      "",
      `Run ${new Date().toISOString()} with \`${command}\` (${((performance.now() - started) / 1000).toFixed(0)} s for this backend).`,
      `Machine: ${machine()}; ${version}${backend.url ? ` on ${new URL(backend.url).host}` : ""}; load average ${loadBefore} before, ${loadAverage()} after.`,
      `Each figure: median of ${context.runs} runs of ${context.runMs} ms.`,
      "",
      formatTable(results),
      "",
      chartLink(name, `${name}: ops/s of each contender relative to the raw driver`),
      "",
      ...(bench.target ? [checkTarget(results, bench.target), ""] : []),
      ...contenderNotes(results),
      ...(bench.notes ? ["", bench.notes] : []),
      ...(extra ? ["", extra] : []),
      "",
      management,
    ].join("\n");
    return { text, chart: storeChart(name, results), targets };
  } finally {
    await backend.cleanup();
  }
}

async function copySection(): Promise<string> {
  const loadBefore = loadAverage();
  const rows = await copyBench({ sessions: quick ? 10_000 : 100_000, log });
  return [
    "## copy",
    "",
    `Run ${new Date().toISOString()} with \`${command}\`: \`session-store copy\`'s engine, each copy's target the next one's source.`,
    `Machine: ${machine()}; load average ${loadBefore} before, ${loadAverage()} after. One run per row.`,
    "",
    table(
      ["from → to", "sessions", "seconds", "sessions/s"],
      rows.map((row) => [`${row.from} → ${row.to}`, count(row.sessions), row.seconds.toFixed(1), count(row.perSecond)]),
    ),
  ].join("\n");
}

async function runSection(name: SectionName): Promise<Section> {
  if (name === "http") {
    const { text, rows } = await measureHttp(context, command);
    return { text, chart: rows.length > 0 ? httpChart(rows) : undefined };
  }
  if (name === "copy") return { text: await copySection() };
  return runBackend(name);
}

const started = performance.now();
const existing = parseSections(await readReport(REPORT));
const sections = new Map<string, string>();
const charts = new Map<string, Chart>();
const targets: OpenTarget[] = [];
const measured: string[] = [];
for (const name of (wanted.length > 0 ? known.filter((section) => wanted.includes(section)) : known) as SectionName[]) {
  log(`\n# ${name}`);
  const section = await runSection(name).catch((error: unknown): Section | undefined => {
    log(`${name}: skipped, ${message(error)}`);
    // A skip does not replace figures from an earlier run.
    return existing.has(name) ? undefined : { text: `## ${name}\n\nSkipped on ${new Date().toISOString()}: ${message(error)}.` };
  });
  if (!section) continue;
  console.log(`\n${section.text}\n`);
  sections.set(name, section.text);
  if (section.chart) charts.set(name, section.chart);
  if (section.targets) {
    measured.push(name);
    targets.push(...section.targets);
  }
}
if (measured.length > 0) {
  const section = targetsSection(existing.get("targets"), targets, measured, new Date().toISOString().slice(0, 10));
  console.log(`\n${section}\n`);
  sections.set("targets", section);
}
if (!values["no-write"] && sections.size > 0) {
  await writeFile(REPORT, mergeSections(HEADER, await readReport(REPORT), sections, ORDER));
  log(`wrote ${REPORT}`);
  await mkdir(CHARTS, { recursive: true });
  for (const [name, chart] of charts) await writeFile(`${CHARTS}${name}.svg`, barChart(chart));
  if (charts.size > 0) log(`wrote ${[...charts.keys()].map((name) => `charts/${name}.svg`).join(", ")}`);
}
log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
// Exit explicitly: some peers leave timers running that they never clear.
process.exit(0);
