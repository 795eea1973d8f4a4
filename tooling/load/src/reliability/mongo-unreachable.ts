/**
 * MongoDB without a server (issue 13 item 7): every operation against a closed port and
 * a black hole (a loopback socket that accepts and never answers), `calls` calls with
 * `concurrency` in flight. Each must settle within `timeoutMs` and a margin with a
 * SessionStoreError, with no unhandled rejection; the figures go into RELIABILITY.md.
 */
import { SessionStoreError } from "@session-store/core";
import { freePort, startTcpProxy } from "@session-store/harness";
import { MongoStore } from "@session-store/store-mongo";
import { percentile } from "../stats.js";

/** What one target showed. */
export interface UnreachableFigures {
  readonly target: "closed port" | "black hole";
  readonly calls: number;
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly maxSettleMs: number;
  readonly p99SettleMs: number;
  /** Outcomes by kind: how the call ended ("deadline": the store's own timeout; else the driver error's class) and why. */
  readonly errors: Readonly<Record<string, number>>;
  /** Calls that resolved: none may, there is no server. */
  readonly resolved: number;
  readonly unhandledRejections: number;
  /** How long `close()` took after the load. */
  readonly closeMs: number;
}

/** How much later than `timeoutMs` a call may settle on a busy machine and still count as bounded. */
export const SETTLE_MARGIN_MS = 2_000;

/** Whether every call rejected with a SessionStoreError within the bound, and nothing was left unhandled. */
export function bounded(figures: UnreachableFigures): boolean {
  const rejected = Object.entries(figures.errors).every(([kind]) => !kind.startsWith("not a SessionStoreError"));
  const limit = figures.timeoutMs + SETTLE_MARGIN_MS;
  return rejected && figures.resolved === 0 && figures.unhandledRejections === 0 && figures.maxSettleMs < limit && figures.closeMs < limit;
}

const OPERATIONS: ReadonlyArray<(store: MongoStore) => Promise<unknown>> = [
  (store) => store.load("id"),
  (store) => store.store("id", Uint8Array.from([1]), 60_000, { owner: "owner" }),
  (store) => store.remove("id"),
  (store) => store.touch("id", 60_000),
  (store) => store.entry("id"),
  (store) => store.sessionsOf("owner"),
  (store) => store.removeSessionsOf("owner"),
  (store) => store.revoke("id"),
  (store) => store.count(),
  (store) => (store.sweep as () => Promise<number>)(),
  (store) => store.ping(),
];

export async function mongoUnreachable(options: { calls?: number; concurrency?: number; timeoutMs?: number } = {}): Promise<UnreachableFigures[]> {
  const { calls = 2_000, concurrency = 50, timeoutMs = 500 } = options;
  const blackHole = await startTcpProxy({ host: "127.0.0.1", port: await freePort() }, "blackhole");
  try {
    const targets = [
      ["closed port", `mongodb://127.0.0.1:${await freePort()}/test`],
      ["black hole", `mongodb://127.0.0.1:${blackHole.port}/test`],
    ] as const;
    const figures: UnreachableFigures[] = [];
    for (const [target, url] of targets) figures.push({ target, ...(await load(url, calls, concurrency, timeoutMs)) });
    return figures;
  } finally {
    await blackHole.stop();
  }
}

async function load(url: string, calls: number, concurrency: number, timeoutMs: number): Promise<Omit<UnreachableFigures, "target">> {
  let unhandledRejections = 0;
  const onUnhandled = () => void (unhandledRejections += 1);
  process.on("unhandledRejection", onUnhandled);
  const store = new MongoStore({ url, timeoutMs, sweep: true });
  const settleMs: number[] = [];
  const errors: Record<string, number> = {};
  let resolved = 0;
  let next = 0;
  const worker = async () => {
    while (next < calls) {
      const operation = OPERATIONS[next % OPERATIONS.length] as (store: MongoStore) => Promise<unknown>;
      next += 1;
      const started = performance.now();
      try {
        await operation(store);
        resolved += 1;
      } catch (error) {
        const kind = errorKind(error);
        errors[kind] = (errors[kind] ?? 0) + 1;
      }
      settleMs.push(performance.now() - started);
    }
  };
  let closeMs = Number.NaN;
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    const closing = performance.now();
    await store.close();
    closeMs = performance.now() - closing;
    // A rejection nobody handled is reported on a later turn of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
    process.off("unhandledRejection", onUnhandled);
  }
  return {
    calls: settleMs.length,
    concurrency,
    timeoutMs,
    maxSettleMs: Math.round(Math.max(...settleMs)),
    p99SettleMs: Math.round(percentile(settleMs, 99)),
    errors,
    resolved,
    unhandledRejections,
    closeMs: Math.round(closeMs),
  };
}

/** "deadline, connection refused", "MongoServerSelectionError, timed out", …: how a call failed, without addresses. */
function errorKind(error: unknown): string {
  if (!(error instanceof SessionStoreError)) return `not a SessionStoreError: ${(error as Error | undefined)?.name ?? typeof error}`;
  const how = error.cause === undefined ? "deadline" : String((error.cause as Error).name);
  const why = /cannot reach \S+ \(([^)]+)\)/.exec(error.message)?.[1];
  return why === undefined ? how : `${how}, ${why}`;
}
