/**
 * What session management costs on one backend, through our store opened by URL:
 * `sessionsOf` and `removeSessionsOf` as the namespace grows from 10k to 1M sessions
 * (they must stay flat: they read the owner's index, never scan), `store` with an
 * owner beside `store` without one, and `load` of an owned session beside an unowned one.
 */
import { performance } from "node:perf_hooks";
import type { ManagedSessionStore } from "@session-store/core";
import type { Backend } from "@session-store/harness";
import { openStore } from "@session-store/open";
import { count, table } from "../markdown.js";
import { median } from "../stats.js";
import { drive, makeBlob, makeIds, TTL_MS } from "./drive.js";
import { GROWTH_COUNTS } from "./growth.js";
import type { BenchContext, Workload } from "./types.js";

/** Sessions per owner in the namespace: a user signed in on a few devices. */
const SESSIONS_PER_OWNER = 5;
/** Calls timed per figure, each on an owner of its own (removeSessionsOf empties it). */
const CALLS = 200;
const FILL_CONCURRENCY = 64;

const ownerOf = (index: number) => `user-${Math.floor(index / SESSIONS_PER_OWNER)}`;

/** Stores `ids` (each under its owner when `owned`), FILL_CONCURRENCY at a time. */
async function fill(store: ManagedSessionStore, ids: readonly string[], blob: Buffer, owned: boolean): Promise<void> {
  let next = 0;
  const loop = async () => {
    while (next < ids.length) {
      const index = next++;
      await store.store(ids[index] as string, blob, TTL_MS, owned ? { owner: ownerOf(index) } : undefined);
    }
  };
  await Promise.all(Array.from({ length: FILL_CONCURRENCY }, loop));
}

/** Median ms of `call` over CALLS distinct owners, the ones holding the first sessions. */
async function perCall(call: (owner: string) => Promise<unknown>, firstOwner: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const started = performance.now();
    await call(`user-${firstOwner + i}`);
    times.push(performance.now() - started);
  }
  return median(times);
}

async function growthRows(context: BenchContext, backend: Backend, blob: Buffer): Promise<Array<Array<string | number>>> {
  const rows: Array<Array<string | number>> = [];
  for (const sessions of context.quick ? GROWTH_COUNTS.slice(0, 2) : GROWTH_COUNTS) {
    const store = (await openStore(backend.storeUrl(backend.newNamespace()))) as ManagedSessionStore;
    try {
      const started = performance.now();
      await fill(store, makeIds(sessions), blob, true);
      const fillMs = performance.now() - started;
      context.log(`  management: ${count(sessions)} owned sessions stored in ${fillMs.toFixed(0)} ms`);
      const listed = await store.sessionsOf("user-0");
      if (listed.length !== SESSIONS_PER_OWNER) throw new Error(`sessionsOf listed ${listed.length}, expected ${SESSIONS_PER_OWNER}`);
      const sessionsOfMs = await perCall((owner) => store.sessionsOf(owner), 0);
      const removeMs = await perCall((owner) => store.removeSessionsOf(owner), CALLS);
      rows.push([sessions, sessionsOfMs.toFixed(3), removeMs.toFixed(3), `${(fillMs / 1000).toFixed(1)} s`]);
    } finally {
      await store.close?.();
    }
  }
  return rows;
}

/** ops/s of `workload` at c=64, median of the context's runs, over `ids` already stored. */
async function opsPerSec(context: BenchContext, workload: Workload, ids: readonly string[], blob: Buffer): Promise<number> {
  const runs: number[] = [];
  for (let rep = 0; rep < context.runs; rep++) {
    runs.push((await drive(workload, { ids, blob, concurrency: 64, durationMs: context.runMs, seed: rep + 1 })).opsPerSec);
  }
  return median(runs);
}

/** `store` alone and `load` alone, over 10k sessions stored with an owner and without. */
async function ownerCost(context: BenchContext, backend: Backend, blob: Buffer): Promise<string[]> {
  const results: Record<"owned" | "unowned", { store: number; load: number }> = {
    owned: { store: 0, load: 0 },
    unowned: { store: 0, load: 0 },
  };
  for (const kind of ["unowned", "owned"] as const) {
    const store = (await openStore(backend.storeUrl(backend.newNamespace()))) as ManagedSessionStore;
    try {
      const ids = makeIds(10_000);
      const owners = new Map(ids.map((id, index) => [id, ownerOf(index)]));
      await fill(store, ids, blob, kind === "owned");
      const options = (id: string) => (kind === "owned" ? { owner: owners.get(id) as string } : undefined);
      results[kind].store = await opsPerSec(
        context,
        { load: (id) => store.store(id, blob, TTL_MS, options(id)), store: (id, data) => store.store(id, data, TTL_MS, options(id)) },
        ids,
        blob,
      );
      results[kind].load = await opsPerSec(context, { load: (id) => store.load(id), store: (id) => store.load(id) }, ids, blob);
    } finally {
      await store.close?.();
    }
  }
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  return [
    table(
      ["operation (1 KiB, c=64, 10k sessions):", "without owner ops/s:", "with owner ops/s:", "with / without:"],
      [
        ["store", results.unowned.store, results.owned.store, ratio(results.owned.store, results.unowned.store)],
        ["load", results.unowned.load, results.owned.load, ratio(results.owned.load, results.unowned.load)],
      ],
    ),
    "",
    `Targets: \`store\` with an owner at least 0.5× without: ${results.owned.store / results.unowned.store >= 0.5 ? "met" : "missed"}; ` +
      `\`load\` of an owned session at least 0.95× an unowned one: ${results.owned.load / results.unowned.load >= 0.95 ? "met" : "missed"}.`,
  ];
}

/** The management section of one backend's report. */
export async function measureManagement(context: BenchContext, backend: Backend): Promise<string> {
  const blob = makeBlob(1024);
  const rows = await growthRows(context, backend, blob);
  const flat = (column: number) => Number(rows.at(-1)?.[column]) / Number(rows[0]?.[column]);
  return [
    "### Session management",
    "",
    `Each owner holds ${SESSIONS_PER_OWNER} sessions; a figure is the median of ${CALLS} calls, each on another owner.`,
    "",
    table(["sessions in the namespace:", "sessionsOf ms:", "removeSessionsOf ms:", "setup:"], rows),
    "",
    `Flat from ${count(Number(rows[0]?.[0]))} to ${count(Number(rows.at(-1)?.[0]))} sessions (target ≤1.5×): ` +
      `sessionsOf ${flat(1).toFixed(2)}×, removeSessionsOf ${flat(2).toFixed(2)}×.`,
    "",
    ...(await ownerCost(context, backend, blob)),
  ].join("\n");
}
