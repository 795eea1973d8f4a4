/** Formats one backend's results as markdown: the table, the target check, the notes. */
import { CONCURRENCIES, SIZES, cellKey } from "./measure.js";
import type { ContenderResult } from "./measure.js";
import { median, spread } from "./stats.js";
import type { Target } from "./types.js";

const cells = SIZES.flatMap((size) => CONCURRENCIES.map((concurrency) => ({ size, concurrency })));

export function formatSize(bytes: number): string {
  return bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} B`;
}

export function formatOps(opsPerSec: number): string {
  return Math.round(opsPerSec).toLocaleString("en-US");
}

/**
 * The median over repetitions of (contender / raw in the same repetition): runs of one
 * repetition are seconds apart, so a slow spell on the machine cancels out of the ratio.
 */
export function pairedRatio(runs: readonly number[], rawRuns: readonly number[]): number {
  if (runs.length === 0 || runs.length !== rawRuns.length) return median(runs) / median(rawRuns);
  return median(runs.map((ops, i) => ops / (rawRuns[i] as number)));
}

/** ops/s per contender and cell, with the ratio to the raw contender and the runs' spread. */
export function formatTable(results: readonly ContenderResult[]): string {
  const raw = results.find((r) => r.contender.role === "raw" && !r.skipped);
  const header = `| contender | ${cells.map((c) => `${formatSize(c.size)}, c=${c.concurrency}`).join(" | ")} |`;
  const rule = `| --- | ${cells.map(() => "---:").join(" | ")} |`;
  const rows = results
    .filter((r) => !r.skipped)
    .map((result) => {
      const figures = cells.map(({ size, concurrency }) => {
        const key = cellKey(size, concurrency);
        const runs = result.runs.get(key) ?? [];
        if (runs.length === 0) return "n/a";
        const ops = median(runs);
        const r = raw ? pairedRatio(runs, raw.runs.get(key) ?? []) : Number.NaN;
        const ratio = Number.isFinite(r) ? ` (${r.toFixed(2)}x)` : "";
        return `${formatOps(ops)}${ratio} ±${Math.round(spread(runs) * 100)}%`;
      });
      const name = result.contender.role === "ours" ? `**${result.contender.name}**` : result.contender.name;
      return `| ${name} | ${figures.join(" | ")} |`;
    });
  return [header, rule, ...rows].join("\n");
}

/** One line per cell the target covers: met or missed, by how much. */
export function checkTarget(results: readonly ContenderResult[], target: Target): string[] {
  const raw = results.find((r) => r.contender.role === "raw" && !r.skipped);
  const ours = results.find((r) => r.contender.role === "ours" && !r.skipped);
  if (!raw || !ours) return [`Target ours >= ${target.minRatio}x raw: not checked, ${!raw ? "raw" : "ours"} did not run.`];
  const covered = cells.filter(
    (c) => (target.sizes ?? SIZES).includes(c.size) && (target.concurrencies ?? CONCURRENCIES).includes(c.concurrency),
  );
  const verdicts = covered.map(({ size, concurrency }) => {
    const key = cellKey(size, concurrency);
    const ratio = pairedRatio(ours.runs.get(key) ?? [], raw.runs.get(key) ?? []);
    const met = ratio >= target.minRatio;
    return { label: `${formatSize(size)} c=${concurrency}`, ratio, met };
  });
  const missed = verdicts.filter((v) => !v.met);
  // Three decimals: a 0.897x must not read as a missed 0.90x.
  const list = verdicts.map((v) => `${v.label} ${v.ratio.toFixed(3)}x${v.met ? "" : " MISSED"}`).join(", ");
  const verdict = missed.length === 0 ? "met" : `missed in ${missed.length} of ${verdicts.length} cells`;
  return [`Target ${ours.contender.name} >= ${target.minRatio}x ${raw.contender.name}: ${verdict} (${list}).`];
}

/** The notes under the table: how each contender got the blob, who was skipped and why. */
export function contenderNotes(results: readonly ContenderResult[]): string[] {
  const lines: string[] = [];
  for (const { contender, skipped, misses } of results) {
    if (skipped) lines.push(`- ${contender.name}: not in the table, ${skipped}.`);
    else if (contender.note) lines.push(`- ${contender.name}: ${contender.note}.`);
    if (misses > 0) lines.push(`- ${contender.name}: ${misses} loads found nothing although every id was stored first.`);
  }
  return lines;
}
