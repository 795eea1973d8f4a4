/** One backend's results as markdown: the table, the target check, the notes under it. */
import { count, table } from "../markdown.js";
import { median, spread } from "../stats.js";
import { CONCURRENCIES, SIZES, cellKey } from "./contend.js";
import type { ContenderResult } from "./contend.js";
import type { Chart } from "./chart.js";
import type { Target } from "./types.js";

const cells = SIZES.flatMap((size) => CONCURRENCIES.map((concurrency) => ({ size, concurrency, key: cellKey(size, concurrency) })));

export const formatSize = (bytes: number): string => (bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} B`);

/**
 * The median over repetitions of (contender / raw in the same repetition): runs of one
 * repetition are seconds apart, so a slow spell on the machine cancels out of the ratio.
 */
export function pairedRatio(runs: readonly number[], rawRuns: readonly number[]): number {
  if (runs.length === 0 || runs.length !== rawRuns.length) return median(runs) / median(rawRuns);
  return median(runs.map((ops, i) => ops / (rawRuns[i] as number)));
}

/** µs to one decimal below 100, whole above: "2.4 µs", "317 µs". */
export const formatMicros = (us: number): string => `${us < 100 ? us.toFixed(1) : count(us)} µs`;

const find = (results: readonly ContenderResult[], role: string) => results.find((r) => r.contender.role === role && !r.skipped);

/** ops/s per contender and cell, with the ratio to the raw contender, the runs' spread and the median CPU per op. */
export function formatTable(results: readonly ContenderResult[]): string {
  const raw = find(results, "raw");
  const rows = results
    .filter((result) => !result.skipped)
    .map((result) => [
      result.contender.role === "ours" ? `**${result.contender.name}**` : result.contender.name,
      ...cells.map(({ key }) => {
        const runs = result.runs.get(key) ?? [];
        if (runs.length === 0) return "n/a";
        const ratio = raw ? pairedRatio(runs, raw.runs.get(key) ?? []) : Number.NaN;
        const cpu = result.cpu.get(key) ?? [];
        return `${count(median(runs))}${Number.isFinite(ratio) ? ` (${ratio.toFixed(2)}x)` : ""} ±${Math.round(spread(runs) * 100)}%${cpu.length > 0 ? `, ${formatMicros(median(cpu))}` : ""}`;
      }),
    ]);
  return table(["contender", ...cells.map((c) => `${formatSize(c.size)}, c=${c.concurrency} (ops/s, CPU/op):`)], rows);
}

/** One line: the target met or missed in each cell it covers, by how much. */
export function checkTarget(results: readonly ContenderResult[], target: Target): string {
  const [raw, ours] = [find(results, "raw"), find(results, "ours")];
  if (!raw || !ours) return `Target ours >= ${target.minRatio}x raw: not checked, ${!raw ? "raw" : "ours"} did not run.`;
  const verdicts = cells
    .filter((c) => (target.sizes ?? SIZES).includes(c.size) && (target.concurrencies ?? CONCURRENCIES).includes(c.concurrency))
    .map(({ size, concurrency, key }) => {
      const ratio = pairedRatio(ours.runs.get(key) ?? [], raw.runs.get(key) ?? []);
      // Three decimals: a 0.897x must not read as a met 0.90x.
      return { text: `${formatSize(size)} c=${concurrency} ${ratio.toFixed(3)}x${ratio >= target.minRatio ? "" : " MISSED"}`, met: ratio >= target.minRatio };
    });
  const missed = verdicts.filter((v) => !v.met).length;
  const verdict = missed === 0 ? "met" : `missed in ${missed} of ${verdicts.length} cells`;
  return `Target ${ours.contender.name} >= ${target.minRatio}x ${raw.contender.name}: ${verdict} (${verdicts.map((v) => v.text).join(", ")}).`;
}

/** The notes under the table: how each contender got the blob, who was skipped and why. */
export function contenderNotes(results: readonly ContenderResult[]): string[] {
  return results.flatMap(({ contender, skipped, misses }) => [
    ...(skipped ? [`- ${contender.name}: not in the table, ${skipped}.`] : contender.note ? [`- ${contender.name}: ${contender.note}.`] : []),
    ...(misses > 0 ? [`- ${contender.name}: ${misses} loads found nothing although every id was stored first.`] : []),
  ]);
}

/** A backend's chart: per cell, each contender's ops/s relative to the raw contender's. */
export function storeChart(backend: string, results: readonly ContenderResult[]): Chart {
  const shown = results.filter((result) => !result.skipped);
  const raw = find(results, "raw");
  return {
    title: `${backend}: ops/s relative to ${raw?.contender.name ?? "the raw driver"} (median of paired runs)`,
    series: shown.map(({ contender }) => ({ name: contender.name, role: contender.role })),
    groups: cells.map(({ size, concurrency, key }) => ({
      label: `${formatSize(size)}, c=${concurrency}`,
      values: shown.map((result) => (raw ? pairedRatio(result.runs.get(key) ?? [], raw.runs.get(key) ?? []) : undefined)),
    })),
  };
}
