/**
 * The open targets of issue 18, each met or missed with its figure, gathered into one
 * table at the top of BENCHMARKS.md. A backend's rerun replaces only that backend's rows.
 */
import { table } from "../markdown.js";
import { pairedRatio } from "./table.js";
import type { ContenderResult } from "./contend.js";
import { cellKey } from "./contend.js";

export type OpenTarget = { readonly backend: string; readonly target: string; readonly figure: string; readonly met: boolean };

const ran = (results: readonly ContenderResult[]) => results.filter((result) => !result.skipped);
const isReference = (result: ContenderResult) => result.contender.name.startsWith("reference:");

/** ours / other in one cell, paired by repetition. */
const ratioIn = (ours: ContenderResult, other: ContenderResult, size: number, concurrency: number) =>
  pairedRatio(ours.runs.get(cellKey(size, concurrency)) ?? [], other.runs.get(cellKey(size, concurrency)) ?? []);

function ratioTarget(backend: string, results: readonly ContenderResult[], concurrency: number, minRatio: number): OpenTarget | undefined {
  const [raw, ours] = [ran(results).find((r) => r.contender.role === "raw"), ran(results).find((r) => r.contender.role === "ours")];
  if (!raw || !ours) return undefined;
  const ratio = ratioIn(ours, raw, 1024, concurrency);
  return { backend, target: `1 KiB c=${concurrency}: ours >= ${minRatio}x ${raw.contender.name}`, figure: `${ratio.toFixed(3)}x`, met: ratio >= minRatio };
}

/** The lowest ours / other ratio over every cell and every `others`, with where it was. */
function worstRatio(ours: ContenderResult, others: readonly ContenderResult[]): { ratio: number; where: string } {
  const all = others.flatMap((other) =>
    [...(ours.runs.keys())].map((key) => {
      const [size, concurrency] = key.split("/").map(Number) as [number, number];
      return { ratio: ratioIn(ours, other, size, concurrency), where: `${other.contender.name}, ${size / 1024} KiB c=${concurrency}` };
    }),
  );
  return all.reduce((worst, next) => (next.ratio < worst.ratio ? next : worst), { ratio: Number.POSITIVE_INFINITY, where: "" });
}

function memoryTargets(results: readonly ContenderResult[]): OpenTarget[] {
  const ours = ran(results).find((r) => r.contender.role === "ours");
  const reference = ran(results).find(isReference);
  const peers = ran(results).filter((r) => r.contender.role === "peer" && !isReference(r));
  if (!ours) return [];
  const targets: OpenTarget[] = [];
  if (reference) {
    const { ratio, where } = worstRatio(ours, [reference]);
    targets.push({ backend: "memory", target: "ours >= 0.9x the raw Map + copy reference, every cell", figure: `lowest ${ratio.toFixed(3)}x (${where})`, met: ratio >= 0.9 });
  }
  if (peers.length > 0) {
    const { ratio, where } = worstRatio(ours, peers);
    targets.push({ backend: "memory", target: "ours >= 5x every peer, every cell", figure: `lowest ${ratio.toFixed(2)}x (${where})`, met: ratio >= 5 });
  }
  return targets;
}

/** The targets read off a backend's store table (its extra figures add their own). */
export function tableTargets(backend: string, results: readonly ContenderResult[]): OpenTarget[] {
  const targets =
    backend === "redis"
      ? [ratioTarget(backend, results, 1, 0.95), ratioTarget(backend, results, 64, 1.3)]
      : backend === "postgres"
        ? [ratioTarget(backend, results, 64, 0.95)]
        : backend === "memory"
          ? memoryTargets(results)
          : [];
  return targets.filter((target): target is OpenTarget => target !== undefined);
}

export const TARGETS_HEADER = `## Open targets

The targets of issue 18, each from the latest run of its backend (rerunning a backend replaces its rows).`;

const HEADER = ["backend", "target", "figure", "verdict", "run"];

/** The rows of an earlier targets section, as cells. */
function parseRows(section: string): string[][] {
  return section
    .split("\n")
    .filter((line) => line.startsWith("| ") && !line.startsWith(`| ${HEADER[0]} |`) && !line.startsWith("| ---"))
    .map((line) => line.slice(2, -2).split(" | "));
}

/** The targets section: `fresh` (of the backends that ran at `when`) and the earlier rows of the other backends. */
export function targetsSection(previous: string | undefined, fresh: readonly OpenTarget[], ranBackends: readonly string[], when: string): string {
  const kept = parseRows(previous ?? "").filter((row) => !ranBackends.includes(row[0] as string));
  const rows = [...kept, ...fresh.map((t) => [t.backend, t.target, t.figure, t.met ? "met" : "**missed**", when])];
  rows.sort((a, b) => (a[0] as string).localeCompare(b[0] as string));
  return [TARGETS_HEADER, "", rows.length > 0 ? table(HEADER, rows) : "No figures yet."].join("\n");
}
