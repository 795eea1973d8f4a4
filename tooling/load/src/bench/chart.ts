/**
 * Grouped bar charts as plain SVG: one group per cell, one bar per series, a dashed line at
 * the reference value (1x). Hand-written so the bench needs no charting library.
 */
export type ChartSeries = { readonly name: string; readonly role: "ours" | "raw" | "peer" };
export type ChartGroup = { readonly label: string; readonly values: ReadonlyArray<number | undefined> };
export type Chart = { readonly title: string; readonly series: readonly ChartSeries[]; readonly groups: readonly ChartGroup[]; readonly reference?: number };

const COLORS = { ours: ["#1f6feb", "#0a3069"], raw: ["#8c959f"], peer: ["#e16f24", "#bf3989", "#1a7f37", "#bf8700", "#8250df", "#cf222e"] };
const WIDTH = 760;
const PLOT = { left: 48, top: 40, height: 260 };
const LEGEND_LINE = 18;

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** The colour of each series: ours in blues, raw in grey, peers in other hues, in order of appearance. */
function colors(series: readonly ChartSeries[]): string[] {
  const used = { ours: 0, raw: 0, peer: 0 };
  return series.map(({ role }) => COLORS[role][used[role]++ % COLORS[role].length] as string);
}

/** A round axis top at or above `max`: 1, 2 or 5 times a power of ten. */
function axisTop(max: number): number {
  const power = 10 ** Math.floor(Math.log10(max));
  return ([1, 2, 5, 10].find((step) => step * power >= max) ?? 10) * power;
}

/** A bar's value: two decimals, so a 1.16x never reads as 1.2x. */
const label = (value: number) => (value >= 10 ? value.toFixed(0) : value.toFixed(2));
/** An axis tick: as short as it is exact (0, 0.5, 1, 1.5). */
const tick = (value: number) => String(Number(value.toFixed(2)));

export function barChart({ title, series, groups, reference = 1 }: Chart): string {
  const values = groups.flatMap((group) => group.values.filter((value): value is number => value !== undefined && Number.isFinite(value)));
  const top = axisTop(Math.max(reference, ...values));
  const plotWidth = WIDTH - PLOT.left - 12;
  const groupWidth = plotWidth / Math.max(1, groups.length);
  const barWidth = (groupWidth * 0.8) / Math.max(1, series.length);
  const y = (value: number) => PLOT.top + PLOT.height * (1 - value / top);
  const palette = colors(series);
  const height = PLOT.top + PLOT.height + 48 + LEGEND_LINE * series.length;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escape(title)}</text>`,
  ];
  for (let step = 0; step <= 4; step++) {
    const value = (top * step) / 4;
    parts.push(
      `<line x1="${PLOT.left}" x2="${WIDTH - 12}" y1="${y(value).toFixed(1)}" y2="${y(value).toFixed(1)}" stroke="#d0d7de"/>`,
      `<text x="${PLOT.left - 6}" y="${(y(value) + 4).toFixed(1)}" text-anchor="end">${tick(value)}x</text>`,
    );
  }
  groups.forEach((group, g) => {
    const left = PLOT.left + g * groupWidth + groupWidth * 0.1;
    group.values.forEach((value, s) => {
      if (value === undefined || !Number.isFinite(value)) return;
      const x = left + s * barWidth;
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y(value).toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${(PLOT.top + PLOT.height - y(value)).toFixed(1)}" fill="${palette[s]}"><title>${escape(`${series[s]?.name}, ${group.label}: ${value.toFixed(3)}x`)}</title></rect>`,
        `<text x="${(x + barWidth / 2 - 1).toFixed(1)}" y="${(y(value) - 3).toFixed(1)}" text-anchor="middle" font-size="9">${label(value)}</text>`,
      );
    });
    // One line per comma-separated part: ten groups leave about 70 px for a label.
    const lines = group.label.split(", ").map((line, i) => `<tspan x="${(left + groupWidth * 0.4).toFixed(1)}" dy="${i === 0 ? 0 : 12}">${escape(line)}</tspan>`);
    parts.push(`<text y="${PLOT.top + PLOT.height + 14}" text-anchor="middle">${lines.join("")}</text>`);
  });
  parts.push(`<line x1="${PLOT.left}" x2="${WIDTH - 12}" y1="${y(reference).toFixed(1)}" y2="${y(reference).toFixed(1)}" stroke="#24292f" stroke-dasharray="4 3"/>`);
  series.forEach((entry, s) => {
    const row = PLOT.top + PLOT.height + 48 + s * LEGEND_LINE;
    parts.push(
      `<rect x="${PLOT.left}" y="${row - 10}" width="12" height="12" fill="${palette[s]}"/>`,
      `<text x="${PLOT.left + 18}" y="${row}"${entry.role === "ours" ? ' font-weight="bold"' : ""}>${escape(entry.name)}</text>`,
    );
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}
