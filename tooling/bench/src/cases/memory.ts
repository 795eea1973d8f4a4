/**
 * memory: our MemoryStore beside a bare Map with an expiry check (the floor any
 * in-process store pays) and the in-process stores express-session users pick today.
 */
import { MemoryStore } from "@session-store/store-memory";
import session from "express-session";
import createMemoryStore from "memorystore";
import { Keyv } from "keyv";
import { performance } from "node:perf_hooks";
import { measureGrowth } from "../growth.js";
import { packageVersion } from "../package-version.js";
import { expressStoreWorkload } from "../peers/express-store.js";
import { median } from "../stats.js";
import type { BackendBench, BenchContext, Contender, Workload } from "../types.js";
import { makeBlob, makeIds, TTL_MS } from "../workload.js";

interface MapEntry {
  data: Uint8Array;
  expiresAt: number;
}

/**
 * A bare Map with an expiry check on load. Without copies it is the floor: it holds
 * the caller's Buffer itself. With them it is the reference for any store that keeps
 * its own copy (in place on a same-size store, out through Node's Buffer pool, as
 * MemoryStore does), to tell the copies' price from our code's.
 */
function openMap(copies: boolean): Workload {
  const map = new Map<string, MapEntry>();
  return {
    async load(id) {
      const entry = map.get(id);
      if (entry === undefined) return undefined;
      if (entry.expiresAt <= Date.now()) {
        map.delete(id);
        return undefined;
      }
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
      } else {
        map.set(id, { data: copies ? new Uint8Array(data) : data, expiresAt });
      }
    },
    async close() {
      map.clear();
    },
  };
}

function openOurs(): Workload {
  const store = new MemoryStore();
  return {
    load: (id) => store.load(id),
    store: (id, data, ttlMs) => store.store(id, data, ttlMs),
    close: () => store.close(),
  };
}

const raw: Contender = { name: "raw Map + expiry check", role: "raw", note: "holds the caller's Buffer itself, no copy", open: async () => openMap(false) };

const copyingMap: Contender = {
  name: "reference: raw Map + copy in and out",
  role: "peer",
  note: "not a library: the raw Map plus the copies the contract asks for (in place on a same-size store, out through Node's Buffer pool), to show what the copies alone cost",
  open: async () => openMap(true),
};

const ours: Contender = {
  name: "session-store MemoryStore",
  role: "ours",
  note: "copies the bytes in on store and out on load",
  open: async () => openOurs(),
};

const expressMemory: Contender = {
  name: `express-session MemoryStore ${packageVersion("express-session")}`,
  role: "peer",
  note: "base64 in a session object beside its cookie; the store JSON-serializes it",
  open: async () => expressStoreWorkload(new session.MemoryStore(), () => undefined),
};

const memorystore: Contender = {
  name: `memorystore ${packageVersion("memorystore")}`,
  role: "peer",
  note: "base64 in a session object beside its cookie; the store JSON-serializes it into an LRU cache, pruned daily",
  open: async () => {
    const MemoryStoreClass = createMemoryStore(session);
    const store = new MemoryStoreClass({ checkPeriod: 24 * 60 * 60 * 1000 });
    return expressStoreWorkload(store, () => store.stopInterval());
  },
};

const keyv: Contender = {
  name: `keyv ${packageVersion("keyv")}`,
  role: "peer",
  note: "the Buffer itself, with the ttl; keyv serializes it as base64 in JSON into its default Map",
  open: async () => {
    const store = new Keyv();
    return {
      load: (id) => store.get<Buffer>(id),
      store: (id, data, ttlMs) => store.set(id, data, ttlMs),
      close: () => store.disconnect(),
    };
  },
};

/** Time of one `sweep()` deleting 100k expired sessions while 100k live ones stay. */
async function sweepTimes(context: BenchContext): Promise<string> {
  const expiredCount = 100_000;
  const liveCount = 100_000;
  const times: number[] = [];
  const blob = makeBlob(1024);
  for (let rep = 0; rep < Math.min(context.runs, 5); rep++) {
    const store = new MemoryStore({ janitorIntervalMs: 24 * 60 * 60 * 1000 });
    try {
      for (const id of makeIds(expiredCount, "expired:")) await store.store(id, blob, 1);
      const allExpiredAt = Date.now() + 1;
      for (const id of makeIds(liveCount, "live:")) await store.store(id, blob, TTL_MS);
      while (Date.now() <= allExpiredAt) await new Promise((resolve) => setImmediate(resolve));
      const started = performance.now();
      const deleted = await store.sweep();
      times.push(performance.now() - started);
      if (deleted !== expiredCount) throw new Error(`sweep deleted ${deleted}, expected ${expiredCount}`);
      if (store.size !== liveCount) throw new Error(`${store.size} sessions left, expected ${liveCount}`);
    } finally {
      await store.close();
    }
  }
  return `Janitor: one \`sweep()\` (the janitor's run) deleting 100,000 expired 1 KiB sessions while 100,000 live ones stay: ${median(times).toFixed(1)} ms (median of ${times.length}; runs ${times.map((t) => t.toFixed(1)).join(", ")} ms).`;
}

const bench: BackendBench = {
  backend: "memory",
  unavailable: async () => undefined,
  contenders: [raw, ours, copyingMap, expressMemory, memorystore, keyv],
  target: { minRatio: 0.5, sizes: [1024] },
  notes: [
    "The peers take session objects, not bytes: each gets the blob as its users would give it,",
    "base64 in a session object (keyv takes the Buffer and base64-encodes it itself), and the",
    "load is decoded back to bytes so every row returns what our store returns.",
  ].join("\n"),
  async extra(context) {
    const log = (line: string) => console.error(line);
    const growth = await measureGrowth({
      context,
      log,
      setup: async (ids, blob) => {
        const subjects = [
          { name: "session-store", workload: openOurs() },
          { name: "raw Map", workload: openMap(false) },
        ];
        for (const subject of subjects) {
          for (const id of ids) await subject.workload.store(id, blob, TTL_MS);
        }
        return subjects;
      },
    });
    return [
      "### memory: growth with stored sessions (1 KiB, ops/s)",
      "",
      growth,
      "",
      await sweepTimes(context),
    ].join("\n");
  },
};

export default bench;
