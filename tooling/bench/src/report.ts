/**
 * BENCHMARKS.md at the repo root: a fixed header, then one section per backend between
 * markers. A run replaces the sections of the backends it ran and keeps the others, so
 * `pnpm bench redis` does not erase the SQLite tables; each section carries its own date.
 */
import { readFile, writeFile } from "node:fs/promises";
import { cpus, loadavg, release, totalmem } from "node:os";
import { fileURLToPath } from "node:url";

export const REPORT_PATH = fileURLToPath(new URL("../../../BENCHMARKS.md", import.meta.url));

const HEADER = `# Benchmarks

Written by \`pnpm bench\` (tooling/bench); rerun it rather than editing this file.
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

export function machineLine(): string {
  const cpu = cpus();
  const model = cpu[0]?.model.trim() ?? "unknown CPU";
  const memory = Math.round(totalmem() / 2 ** 30);
  return `${cpu.length} cores (${model}), ${memory} GiB, Linux ${release()}, Node ${process.version}`;
}

export function loadAverage(): string {
  return loadavg()[0]?.toFixed(2) ?? "?";
}

function markers(backend: string): { start: string; end: string } {
  return { start: `<!-- bench:${backend}:start -->`, end: `<!-- bench:${backend}:end -->` };
}

/** The sections currently in the report, by backend, in file order. */
export function parseSections(text: string): Map<string, string> {
  const sections = new Map<string, string>();
  const pattern = /<!-- bench:([\w-]+):start -->\n([\s\S]*?)<!-- bench:\1:end -->/g;
  for (const match of text.matchAll(pattern)) {
    sections.set(match[1] as string, (match[2] as string).trimEnd());
  }
  return sections;
}

/** Existing sections, updated with `fresh`, ordered as `order` then any others. */
export function mergeReport(existing: string, fresh: Map<string, string>, order: readonly string[]): string {
  const sections = parseSections(existing);
  for (const [backend, body] of fresh) sections.set(backend, body);
  const names = [...order.filter((name) => sections.has(name)), ...[...sections.keys()].filter((n) => !order.includes(n))];
  const parts = names.map((name) => {
    const { start, end } = markers(name);
    return `${start}\n${sections.get(name) as string}\n${end}`;
  });
  return `${HEADER}\n${parts.join("\n\n")}\n`;
}

export async function writeReport(fresh: Map<string, string>, order: readonly string[]): Promise<void> {
  const existing = await readFile(REPORT_PATH, "utf8").catch(() => "");
  await writeFile(REPORT_PATH, mergeReport(existing, fresh, order));
}

export async function hasSection(backend: string): Promise<boolean> {
  const existing = await readFile(REPORT_PATH, "utf8").catch(() => "");
  return parseSections(existing).has(backend);
}
