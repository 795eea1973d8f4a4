import { SingleBar } from "cli-progress";
import type { CopyCounts } from "./copy-sessions.js";

/** How a copy shows progress: a bar on a terminal, else a plain line now and then (logs, CI). */
export interface Progress {
  update(counts: Readonly<CopyCounts>): void;
  stop(): void;
}

/** A plain line at most this often, the first one after the first batch. */
const LINE_INTERVAL_MS = 2_000;

const handled = (counts: Readonly<CopyCounts>) => counts.listed;

export function progressOn(stream: NodeJS.WriteStream, total: number | undefined): Progress {
  if (stream.isTTY) {
    const bar = new SingleBar({
      stream,
      format: "copy [{bar}] {percentage}% | {value}/{total} sessions | copied {copied} | ETA {eta_formatted}",
      hideCursor: true,
    });
    bar.start(total ?? 0, 0, { copied: 0 });
    return {
      update: (counts) => bar.update(handled(counts), { copied: counts.copied }),
      stop: () => bar.stop(),
    };
  }
  let lastLine: number | undefined;
  return {
    update(counts) {
      const now = Date.now();
      if (lastLine !== undefined && now - lastLine < LINE_INTERVAL_MS) return;
      lastLine = now;
      const of = total === undefined ? "" : ` of about ${total}`;
      stream.write(`copy: ${handled(counts)}${of} sessions handled, ${counts.copied} copied\n`);
    },
    stop() {},
  };
}
