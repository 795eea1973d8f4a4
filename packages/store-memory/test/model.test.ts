import { afterEach, describe, expect, it, vi } from "vitest";
import { MemoryStore } from "../src/index.js";

/**
 * Random operations against MemoryStore and a naive model (a Map scanned in full),
 * step by step. The model deletes exactly when the store must: expired entries on
 * load/touch/remove, all expired ones on sweep, the soonest-expiring one when full.
 * Expiry times are kept distinct so the eviction victim is never a tie.
 */
interface ModelEntry {
  data: number;
  expiresAt: number;
}

function xorshift(seed: number): () => number {
  let state = seed;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}

afterEach(() => vi.useRealTimers());

describe.each([
  { seed: 1, maxSessions: undefined },
  { seed: 7, maxSessions: 40 },
  { seed: 42, maxSessions: 5 },
])("MemoryStore against a model (seed $seed, maxSessions $maxSessions)", ({ seed, maxSessions }) => {
  it("agrees on every result for 4000 random operations", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    let now = Date.UTC(2030, 0, 1);
    vi.setSystemTime(now);
    const random = xorshift(seed);
    const store = new MemoryStore({ maxSessions });
    const model = new Map<string, ModelEntry>();
    const used = new Set<number>();

    const distinctExpiry = (ttl: number) => {
      let expiresAt = now + ttl;
      while (used.has(expiresAt)) expiresAt++;
      return expiresAt;
    };
    const setExpiry = (entry: ModelEntry, expiresAt: number) => {
      used.delete(entry.expiresAt);
      entry.expiresAt = expiresAt;
      used.add(expiresAt);
    };
    const drop = (id: string) => {
      used.delete((model.get(id) as ModelEntry).expiresAt);
      model.delete(id);
    };
    const live = (id: string) => {
      const entry = model.get(id);
      if (entry !== undefined && entry.expiresAt <= now) drop(id);
      return entry !== undefined && entry.expiresAt > now ? entry : undefined;
    };

    for (let step = 0; step < 4_000; step++) {
      const id = `s${random() % 60}`;
      const choice = random() % 100;
      const context = `step ${step}`;
      if (choice < 40) {
        const expiresAt = distinctExpiry(1 + (random() % 3_000));
        const existing = model.get(id);
        if (existing === undefined && maxSessions !== undefined && model.size >= maxSessions) {
          let victim: string | undefined;
          for (const [key, entry] of model) {
            if (victim === undefined || entry.expiresAt < (model.get(victim) as ModelEntry).expiresAt) victim = key;
          }
          drop(victim as string);
        }
        if (existing === undefined) {
          model.set(id, { data: step, expiresAt });
          used.add(expiresAt);
        } else {
          existing.data = step;
          setExpiry(existing, expiresAt);
        }
        await store.store(id, Uint8Array.of(step & 0xff, step >> 8), expiresAt - now);
      } else if (choice < 60) {
        const entry = live(id);
        const expected = entry === undefined ? undefined : Uint8Array.of(entry.data & 0xff, entry.data >> 8);
        expect(await store.load(id), context).toEqual(expected);
      } else if (choice < 75) {
        const entry = live(id);
        const expiresAt = distinctExpiry(1 + (random() % 3_000));
        if (entry !== undefined) setExpiry(entry, expiresAt);
        expect(await store.touch(id, expiresAt - now), context).toBe(entry !== undefined);
      } else if (choice < 85) {
        const entry = live(id);
        if (entry !== undefined) drop(id);
        expect(await store.remove(id), context).toBe(entry !== undefined);
      } else if (choice < 90) {
        const expired = [...model].filter(([, entry]) => entry.expiresAt <= now).map(([key]) => key);
        for (const key of expired) drop(key);
        expect(await store.sweep(), context).toBe(expired.length);
      } else {
        now += 1 + (random() % 500);
        vi.setSystemTime(now);
      }
      expect(store.size, context).toBe(model.size);
    }
    await store.close();
  });
});
