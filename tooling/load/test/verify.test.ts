import { setTimeout as sleep } from "node:timers/promises";
import type { SessionStore } from "@session-store/core";
import { MemoryStore } from "@session-store/store-memory";
import { describe, expect, it } from "vitest";
import { key, runWorkload } from "../src/reliability/mixed-load.js";
import type { WorkloadJob } from "../src/reliability/mixed-load.js";
import { isStamp, makePayload, readPayload } from "../src/reliability/payload.js";
import { verifyLogs } from "./verify-logs.js";

// The load checks must catch a broken store, or their passing on real ones means nothing.

const job: WorkloadJob = {
  worker: 0,
  idPrefix: "verify",
  sharedIds: 4,
  shortIds: 4,
  operations: 1_500,
  concurrency: 8,
  longTtlMs: 3_600_000,
  shortTtlMs: [1, 5],
  payloadBytes: [0, 512],
  record: true,
};

async function breachesOf(store: SessionStore): Promise<string[]> {
  const result = await runWorkload(store, job);
  const finals = new Map<string, string | null>();
  for (const id of new Set(result.log.map((entry) => entry.id))) {
    const bytes = await store.load(id);
    const read = bytes && readPayload(id, bytes);
    finals.set(id, read === undefined ? null : isStamp(read) ? key(read) : "invalid");
  }
  return verifyLogs([result], finals, 2);
}

/** A MemoryStore with some operations replaced; `inner` holds its own. */
function broken(overrides: (inner: Pick<SessionStore, "load" | "store" | "remove">) => Partial<SessionStore>): SessionStore {
  const store = new MemoryStore();
  return Object.assign(store, overrides({ load: store.load.bind(store), store: store.store.bind(store), remove: store.remove.bind(store) }));
}

describe("the load checks", () => {
  it("pass a correct store", async () => {
    expect(await breachesOf(new MemoryStore())).toEqual([]);
  });

  it("catch a store that acknowledges writes it drops", async () => {
    let calls = 0;
    const store = broken((inner) => ({
      store: async (id, data, ttlMs) => {
        if (++calls % 7 !== 0) await inner.store(id, data, ttlMs);
        return true;
      },
    }));
    expect((await breachesOf(store)).some((breach) => breach.includes("final value"))).toBe(true);
  });

  it("catch a store that returns expired values", async () => {
    const kept = new Map<string, Uint8Array>();
    const store = broken((inner) => ({
      store: async (id, data, ttlMs) => {
        kept.set(id, data.slice());
        await inner.store(id, data, ttlMs);
        // A real store's latency: the run then outlasts the 1-5 ms TTLs, so loads come after expiry.
        await sleep(2);
        return true;
      },
      load: async (id) => (await inner.load(id)) ?? kept.get(id)?.slice(),
      remove: async (id) => {
        kept.delete(id);
        return inner.remove(id);
      },
    }));
    expect((await breachesOf(store)).some((breach) => breach.includes("expired since"))).toBe(true);
  });

  it("catch a store that returns a value torn between two writes", async () => {
    let previous: Uint8Array = new Uint8Array(0);
    const store = broken((inner) => ({
      load: async (id) => {
        const bytes = await inner.load(id);
        if (!bytes || previous.length < 40 || bytes.length < 40) return bytes;
        const torn = bytes.slice();
        torn.set(previous.subarray(30, 40), 30);
        previous = bytes;
        return torn;
      },
      store: async (id, data, ttlMs) => {
        previous = data.slice();
        return inner.store(id, data, ttlMs);
      },
    }));
    expect((await breachesOf(store)).some((breach) => /mix|torn|another id/.test(breach))).toBe(true);
  });

  it("refuse a value made for another id", () => {
    const bytes = makePayload("alice", { writer: 1, seq: 2 }, 64);
    expect(readPayload("alice", bytes)).toEqual({ writer: 1, seq: 2 });
    expect(isStamp(readPayload("bob", bytes))).toBe(false);
    expect(isStamp(readPayload("alice", bytes.subarray(0, bytes.length - 1)))).toBe(false);
  });
});
