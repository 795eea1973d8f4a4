/**
 * memory: our MemoryStore beside a bare Map with an expiry check (the floor any in-process
 * store pays) and the in-process stores express-session users pick today.
 */
import { performance } from "node:perf_hooks";
import { openStore } from "@session-store/open";
import { MemoryStore } from "@session-store/store-memory";
import session from "express-session";
import { Keyv } from "keyv";
import createMemoryStore from "memorystore";
import { makeBlob, makeIds, TTL_MS } from "../drive.js";
import { measureGrowth, timeRuns } from "../growth.js";
import { expressStoreWorkload, keyvWorkload, packageVersion } from "../peers.js";
import type { BackendBench, BenchContext, Workload } from "../types.js";

/**
 * A bare Map with an expiry check on load. Without copies it is the floor: it holds the
 * caller's Buffer itself. With them it is the reference for any store that keeps its own
 * copy (in place on a same-size store, out through Node's Buffer pool, as MemoryStore does),
 * to tell the copies' price from our code's.
 */
function openMap(copies: boolean): Workload {
  const map = new Map<string, { data: Uint8Array; expiresAt: number }>();
  return {
    async load(id) {
      const entry = map.get(id);
      if (entry === undefined) return undefined;
      if (entry.expiresAt <= Date.now()) return void map.delete(id);
      if (!copies) return entry.data;
      const copy = Buffer.allocUnsafe(entry.data.length);
      copy.set(entry.data);
      return copy;
    },
    async store(id, data, ttlMs) {
      const expiresAt = Date.now() + ttlMs;
      const entry = map.get(id);
      if (copies && entry !== undefined && entry.data.length === data.length) {
        entry.data.set(data);
        entry.expiresAt = expiresAt;
      } else map.set(id, { data: copies ? new Uint8Array(data) : data, expiresAt });
    },
    close: async () => map.clear(),
  };
}

/** Time of one `sweep()` deleting 100k expired sessions while 100k live ones stay. */
async function sweepTimes(context: BenchContext): Promise<string> {
  const blob = makeBlob(1024);
  const times = await timeRuns(context, 1, async () => {
    const store = new MemoryStore({ janitorIntervalMs: 24 * TTL_MS });
    try {
      for (const id of makeIds(100_000, "expired:")) await store.store(id, blob, 1);
      const allExpiredAt = Date.now() + 1;
      for (const id of makeIds(100_000, "live:")) await store.store(id, blob, TTL_MS);
      while (Date.now() <= allExpiredAt) await new Promise((resolve) => setImmediate(resolve));
      const started = performance.now();
      const deleted = await store.sweep();
      const ms = performance.now() - started;
      if (deleted !== 100_000 || store.size !== 100_000) throw new Error(`sweep deleted ${deleted} and left ${store.size}, expected 100000 each`);
      return ms;
    } finally {
      await store.close();
    }
  });
  return `Janitor: one \`sweep()\` (the janitor's run) deleting 100,000 expired 1 KiB sessions while 100,000 live ones stay: ${times}.`;
}

const bench: BackendBench = {
  contenders: [
    { name: "raw Map + expiry check", role: "raw", note: "holds the caller's Buffer itself, no copy", open: async () => openMap(false) },
    { name: "session-store MemoryStore", role: "ours", note: "copies the bytes in on store and out on load", open: (backend) => openStore(backend.storeUrl()) },
    {
      name: "reference: raw Map + copy in and out",
      role: "peer",
      note: "not a library: the raw Map plus the copies the contract asks for (in place on a same-size store, out through Node's Buffer pool), to show what the copies alone cost",
      open: async () => openMap(true),
    },
    {
      name: `express-session MemoryStore ${packageVersion("express-session")}`,
      role: "peer",
      note: "base64 in a session object beside its cookie; the store JSON-serializes it",
      open: async () => expressStoreWorkload(new session.MemoryStore(), () => undefined),
    },
    {
      name: `memorystore ${packageVersion("memorystore")}`,
      role: "peer",
      note: "base64 in a session object beside its cookie; the store JSON-serializes it into an LRU cache, pruned daily",
      open: async () => {
        const store = new (createMemoryStore(session))({ checkPeriod: 24 * TTL_MS });
        return expressStoreWorkload(store, () => store.stopInterval());
      },
    },
    {
      name: `keyv ${packageVersion("keyv")}`,
      role: "peer",
      note: "the Buffer itself, with the ttl; keyv serializes it as base64 in JSON into its default Map",
      open: async () => keyvWorkload(new Keyv()),
    },
  ],
  target: { minRatio: 0.5, sizes: [1024] },
  notes: `The peers take session objects, not bytes: each gets the blob as its users would give it,
base64 in a session object (keyv takes the Buffer and base64-encodes it itself), and the
load is decoded back to bytes so every row returns what our store returns.`,
  async extra(context) {
    const growth = await measureGrowth(context, async (ids, blob) => {
      const subjects = { "session-store": await openStore("memory:"), "raw Map": openMap(false) };
      for (const workload of Object.values(subjects)) for (const id of ids) await workload.store(id, blob, TTL_MS);
      return subjects;
    });
    return ["### memory: growth with stored sessions (1 KiB, ops/s)", "", growth, "", await sweepTimes(context)].join("\n");
  },
};

export default bench;
