/** What BENCHMARKS.md and RELIABILITY.md are made of: tables, the machine line, sections kept between runs. */
import { readFile } from "node:fs/promises";
import { cpus, loadavg, release, totalmem } from "node:os";
import { fileURLToPath } from "node:url";

/** A file at the repository root. */
export const rootFile = (name: string): string => fileURLToPath(new URL(`../../../${name}`, import.meta.url));

/** A markdown table; a column whose header ends in ":" is right-aligned (the colon is dropped). */
export function table(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const cell = (value: string | number) => (typeof value === "number" ? count(value) : value);
  return [
    `| ${header.map((name) => name.replace(/:$/, "")).join(" | ")} |`,
    `| ${header.map((name) => (name.endsWith(":") ? "---:" : "---")).join(" | ")} |`,
    ...rows.map((row) => `| ${row.map(cell).join(" | ")} |`),
  ].join("\n");
}

export const count = (value: number): string => Math.round(value).toLocaleString("en-US");

export function machine(): string {
  const cpu = cpus();
  return `${cpu.length} cores (${cpu[0]?.model.trim() ?? "unknown CPU"}), ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()}, Node ${process.version}`;
}

export const loadAverage = (): string => loadavg()[0]?.toFixed(2) ?? "?";

const marker = (name: string, end: "start" | "end") => `<!-- bench:${name}:${end} -->`;

/** The sections of a report, by name, in file order. */
export function parseSections(text: string): Map<string, string> {
  const found = text.matchAll(/<!-- bench:([\w-]+):start -->\n([\s\S]*?)<!-- bench:\1:end -->/g);
  return new Map([...found].map((match) => [match[1] as string, (match[2] as string).trimEnd()]));
}

/** `header`, then the existing sections updated with `fresh`, ordered as `order` then any others. */
export function mergeSections(header: string, existing: string, fresh: ReadonlyMap<string, string>, order: readonly string[]): string {
  const sections = new Map([...parseSections(existing), ...fresh]);
  const names = [...order.filter((name) => sections.has(name)), ...[...sections.keys()].filter((name) => !order.includes(name))];
  return `${header}\n${names.map((name) => `${marker(name, "start")}\n${sections.get(name)}\n${marker(name, "end")}`).join("\n\n")}\n`;
}

export async function readReport(path: string): Promise<string> {
  return readFile(path, "utf8").catch(() => "");
}
