/**
 * `session-store copy` throughput: 100k sessions SQLite → PostgreSQL → Redis → SQLite,
 * through the command's own copy engine, each copy's target the next one's source (so
 * only the first store is filled). A figure is one run: the wall time of the whole copy,
 * listing, the target lookup that makes a rerun resume, and the write.
 */
import { performance } from "node:perf_hooks";
import { copySessions } from "@session-store/cli";
import type { ManagedSessionStore } from "@session-store/core";
import type { Backend, BackendName } from "@session-store/harness";
import { harness } from "@session-store/harness";
import { openStore } from "@session-store/open";
import { makeIds, TTL_MS } from "./drive.js";

export interface CopyBenchOptions {
  /** Sessions copied per row. Default 100,000. */
  readonly sessions?: number;
  readonly log?: (line: string) => void;
}

export interface CopyBenchRow {
  readonly from: BackendName;
  readonly to: BackendName;
  readonly sessions: number;
  readonly seconds: number;
  readonly perSecond: number;
}

const CHAIN: readonly BackendName[] = ["sqlite", "postgres", "redis", "sqlite"];
const FILL_CONCURRENCY = 64;
/** About what express-session keeps for a signed-in user. */
const SESSION = new TextEncoder().encode(JSON.stringify({ cookie: { originalMaxAge: TTL_MS, httpOnly: true, path: "/" }, user: "ada" }));

async function fill(store: ManagedSessionStore, sessions: number): Promise<void> {
  const ids = makeIds(sessions);
  let next = 0;
  const loop = async () => {
    while (next < ids.length) {
      const index = next++;
      await store.store(ids[index] as string, SESSION, TTL_MS, index % 3 === 0 ? { owner: `user-${index % 1000}` } : undefined);
    }
  };
  await Promise.all(Array.from({ length: FILL_CONCURRENCY }, loop));
}

/** One row per copy of the chain; throws when a target does not end with every session. */
export async function copyBench(options: CopyBenchOptions = {}): Promise<CopyBenchRow[]> {
  const sessions = options.sessions ?? 100_000;
  const log = options.log ?? (() => undefined);
  const backends = new Map<BackendName, Backend>();
  const stores: ManagedSessionStore[] = [];
  try {
    for (const name of new Set(CHAIN)) {
      const backend = await harness(name);
      if (backend.skip !== undefined) throw new Error(`copy bench: ${backend.skip}`);
      backends.set(name, backend);
    }
    for (const name of CHAIN) stores.push(await openStore((backends.get(name) as Backend).storeUrl()));
    await fill(stores[0] as ManagedSessionStore, sessions);
    const rows: CopyBenchRow[] = [];
    for (let step = 1; step < CHAIN.length; step++) {
      const [from, to] = [stores[step - 1] as ManagedSessionStore, stores[step] as ManagedSessionStore];
      const started = performance.now();
      const counts = await copySessions({ from, to });
      const seconds = (performance.now() - started) / 1000;
      const row = { from: CHAIN[step - 1] as BackendName, to: CHAIN[step] as BackendName, sessions, seconds, perSecond: sessions / seconds };
      if (counts.copied !== sessions || (await to.count()) !== sessions) {
        throw new Error(`copy bench: ${row.from} → ${row.to} copied ${counts.copied} of ${sessions} (failed ${counts.failed})`);
      }
      log(`  copy: ${row.from} → ${row.to}: ${sessions} sessions in ${seconds.toFixed(1)} s`);
      rows.push(row);
    }
    return rows;
  } finally {
    for (const store of stores) await store.close?.();
    for (const backend of backends.values()) await backend.cleanup();
  }
}
