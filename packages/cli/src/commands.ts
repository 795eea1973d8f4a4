import { performance } from "node:perf_hooks";
import { redact } from "@session-store/core/adapter";
import type { CopyCounts } from "./copy-sessions.js";
import { copySessions, DEFAULT_BATCH_SIZE } from "./copy-sessions.js";
import { displayUrl } from "./display-url.js";
import type { Opened } from "./open-url.js";
import { openUrl } from "./open-url.js";
import { parseCommandLine } from "./parse-command-line.js";
import { progressOn } from "./progress.js";
import { UsageError } from "./usage-error.js";

/** Where a command writes: results on `out`, progress and errors on `err`. */
export interface Io {
  readonly out: NodeJS.WriteStream;
  readonly err: NodeJS.WriteStream;
  /** Aborted on SIGINT / SIGTERM. */
  readonly signal: AbortSignal;
}

/** A command: its exit code (0 ok, 1 failure; a usage error throws). */
export type Command = (args: readonly string[], io: Io) => Promise<number>;

/** Opens the URL, runs `use`, and closes it whatever happens. */
async function withOpened<T>(url: string, use: (opened: Opened) => Promise<T>): Promise<T> {
  const opened = await openUrl(url);
  try {
    return await use(opened);
  } finally {
    await opened.close().catch(() => undefined);
  }
}

const oneUrl = (command: string, args: readonly string[], flags = {}) => {
  const line = parseCommandLine(command, args, flags, 1);
  return { url: line.positionals[0] as string, values: line.values };
};

export const count: Command = async (args, { out }) => {
  const { url } = oneUrl("count", args);
  const sessions = await withOpened(url, ({ store }) => store.count());
  out.write(`${sessions} live sessions in ${displayUrl(url)}\n`);
  return 0;
};

export const sweep: Command = async (args, { out }) => {
  const { url } = oneUrl("sweep", args);
  const line = await withOpened(url, async ({ kind, store }) => {
    if (kind === "reader") return `nothing swept: ${displayUrl(url)} is a peer's data, read-only`;
    if (typeof store.sweep !== "function") return `nothing to sweep: ${displayUrl(url)} expires sessions itself`;
    return `swept ${await store.sweep()} expired entries from ${displayUrl(url)}`;
  });
  out.write(`${line}\n`);
  return 0;
};

export const clear: Command = async (args, { out, err }) => {
  const { url, values } = oneUrl("clear", args, { yes: { type: "boolean" } });
  if (values.yes !== true) {
    err.write(`session-store clear removes every session of ${displayUrl(url)}; add --yes to do it\n`);
    return 1;
  }
  const removed = await withOpened(url, ({ kind, store }) => {
    if (kind === "reader") throw new UsageError(`${displayUrl(url)} is a peer's data, read-only: clear it with the peer's own tools`);
    return store.clear();
  });
  out.write(`cleared ${removed} sessions from ${displayUrl(url)}\n`);
  return 0;
};

export const ping: Command = async (args, { out }) => {
  const { url } = oneUrl("ping", args);
  const started = performance.now();
  try {
    await withOpened(url, async ({ store }) => store.ping?.());
  } catch (error) {
    if (error instanceof UsageError) throw error;
    out.write(`unreachable ${displayUrl(url)}: ${describeError(error)}\n`);
    return 1;
  }
  out.write(`ok ${displayUrl(url)} in ${(performance.now() - started).toFixed(1)} ms\n`);
  return 0;
};

const COPY_FLAGS = { from: { type: "string" }, to: { type: "string" }, batch: { type: "string" } } as const;

export const copy: Command = async (args, { out, err, signal }) => {
  const { values } = parseCommandLine("copy", args, COPY_FLAGS, 0);
  const { from, to } = values;
  if (typeof from !== "string" || typeof to !== "string") throw new UsageError("session-store copy needs --from URL and --to URL");
  const batchSize = values.batch === undefined ? DEFAULT_BATCH_SIZE : Number(values.batch);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) throw new UsageError("--batch must be a whole number from 1 to 10000");
  return withOpened(from, (source) =>
    withOpened(to, async (target) => {
      if (target.kind === "reader") throw new UsageError("--to must be a store of ours: a peer's data is read-only");
      err.write(`copying ${displayUrl(from)} → ${displayUrl(to)}\n`);
      const progress = progressOn(err, await source.store.count().catch(() => undefined));
      let counts: CopyCounts | undefined;
      try {
        counts = await copySessions({ from: source.store, to: target.store, batchSize, signal, onBatch: (so) => progress.update((counts = so)) });
      } catch (error) {
        progress.stop();
        if (counts) out.write(summary(counts));
        err.write(`copy stopped: reading ${displayUrl(from)} failed: ${describeError(error)}; run the same command again to resume\n`);
        return 1;
      }
      progress.stop();
      out.write(summary(counts));
      if (signal.aborted) {
        err.write("copy interrupted; run the same command again to resume\n");
        return 1;
      }
      return counts.failed > 0 ? 1 : 0;
    }),
  );
};

function summary(counts: CopyCounts): string {
  const lines = [
    `copied ${counts.copied}, skipped as expired ${counts.expired}, failed ${counts.failed}` +
      `; already in target ${counts.alreadyInTarget}, skipped: revoked in target ${counts.revokedInTarget}`,
  ];
  for (const [reason, times] of Object.entries(counts.failures)) lines.push(`  ${times} × ${reason}`);
  return `${lines.join("\n")}\n`;
}

/** An error as one printable line: its message and its cause's, with URLs and passwords cut out. */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  for (let current = error, depth = 0; current instanceof Error && depth < 3; current = current.cause, depth++) {
    const { message } = current;
    if (!parts.some((part) => part.includes(message))) parts.push(message);
  }
  return redact(parts.length > 0 ? parts.join(": ") : String(error)).slice(0, 500);
}
