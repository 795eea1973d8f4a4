/**
 * `pnpm bench [backend...] [--quick] [--no-write]`: runs every file in src/cases/ (or
 * the named ones), prints one markdown section per backend and writes them to
 * BENCHMARKS.md. BENCH_RUN_MS and BENCH_RUNS override the time budget.
 */
import { readdir } from "node:fs/promises";
import { basename } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { message, measureBackend } from "./measure.js";
import { hasSection, loadAverage, machineLine, REPORT_PATH, writeReport } from "./report.js";
import { checkTarget, contenderNotes, formatTable } from "./table.js";
import type { BackendBench, BenchContext } from "./types.js";

const casesDir = new URL("./cases/", import.meta.url);

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const flags = new Set(argv.filter((a) => a.startsWith("--")));
  const wanted = argv.filter((a) => !a.startsWith("--"));
  for (const flag of flags) {
    if (flag !== "--quick" && flag !== "--no-write") return usage(`unknown flag ${flag}`);
  }
  const quick = flags.has("--quick");
  const context: BenchContext = {
    // Many short runs rather than a few long ones: runs of one repetition sit close in
    // time, so the paired ratios see the same machine, and their median shrugs off a slow spell.
    runMs: positiveInt(process.env.BENCH_RUN_MS) ?? (quick ? 200 : 300),
    runs: Math.max(3, positiveInt(process.env.BENCH_RUNS) ?? (quick ? 3 : 7)),
    quick,
  };

  const known = await listCases();
  const unknown = wanted.filter((name) => !known.includes(name));
  if (unknown.length > 0) return usage(`unknown backend ${unknown.join(", ")}; known: ${known.join(", ")}`);
  const selected = wanted.length > 0 ? known.filter((name) => wanted.includes(name)) : known;

  const command = ["pnpm bench", ...argv].join(" ");
  const started = performance.now();
  const sections = new Map<string, string>();
  for (const name of selected) {
    const section = await runBackend(name, context, command);
    if (section) sections.set(name, section);
  }
  if (!flags.has("--no-write") && sections.size > 0) {
    await writeReport(sections, known);
    log(`wrote ${REPORT_PATH}`);
  }
  log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return 0;
}

/** Backend names: the files in src/cases/. */
async function listCases(): Promise<string[]> {
  const files = await readdir(casesDir);
  return files
    .filter((file) => /\.[cm]?[jt]s$/.test(file) && !/\.d\.[cm]?ts$/.test(file) && !file.includes(".test."))
    .map((file) => basename(file).replace(/\.[cm]?[jt]s$/, ""))
    .sort();
}

/** Runs one backend; resolves its report section, or undefined to keep the old one. */
async function runBackend(name: string, context: BenchContext, command: string): Promise<string | undefined> {
  log(`\n# ${name}`);
  let bench: BackendBench;
  let casePath: string;
  try {
    const files = await readdir(casesDir);
    casePath = fileURLToPath(new URL(files.find((f) => f.replace(/\.[cm]?[jt]s$/, "") === name) as string, casesDir));
    bench = ((await import(pathToFileURL(casePath).href)) as { default: BackendBench }).default;
  } catch (error) {
    return skipped(name, `its bench file did not load: ${message(error)}`);
  }
  let reason: string | undefined;
  try {
    reason = await bench.unavailable();
  } catch (error) {
    reason = message(error);
  }
  if (reason) return skipped(name, reason);

  const version = await bench.version?.().catch(() => undefined);
  const loadBefore = loadAverage();
  const started = performance.now();
  const results = await measureBackend(bench, casePath, { runMs: context.runMs, runs: context.runs, warmupMs: Math.min(300, context.runMs), log });
  let extra = "";
  try {
    extra = (await bench.extra?.(context)) ?? "";
  } catch (error) {
    extra = `Extra figures failed: ${message(error)}`;
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(0);

  const lines = [
    `## ${bench.backend}`,
    "",
    `Run ${new Date().toISOString()} with \`${command}\` (${seconds} s for this backend).`,
    `Machine: ${machineLine()}${version ? `; ${version}` : ""}; load average ${loadBefore} before, ${loadAverage()} after.`,
    `Each figure: median of ${context.runs} runs of ${context.runMs} ms.`,
    "",
    formatTable(results),
    "",
    ...(bench.target ? [...checkTarget(results, bench.target), ""] : []),
    ...contenderNotes(results),
    ...(bench.notes ? ["", bench.notes.trim()] : []),
    ...(extra ? ["", extra.trim()] : []),
  ];
  const section = lines.join("\n");
  console.log(`\n${section}\n`);
  return section;
}

/** Prints the reason; writes a section only when the report has none for this backend yet. */
async function skipped(name: string, reason: string): Promise<string | undefined> {
  log(`${name}: skipped, ${reason}`);
  if (await hasSection(name)) return undefined;
  return `## ${name}\n\nSkipped on ${new Date().toISOString()}: ${reason}.`;
}

function positiveInt(value: string | undefined): number | undefined {
  const n = Number(value);
  return value && Number.isInteger(n) && n > 0 ? n : undefined;
}

function usage(problem: string): number {
  console.error(`${problem}\nusage: pnpm bench [backend...] [--quick] [--no-write]`);
  return 2;
}

function log(line: string): void {
  console.error(line);
}

// Exit explicitly: some peers leave timers running that they never clear
// (better-sqlite3-session-store's sweep interval has no stop).
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
