import { afterEach, describe, expect, it, vi } from "vitest";
import { MemoryStore } from "../src/index.js";

/**
 * Random operations against MemoryStore and a naive model (a Map scanned in full),
 * step by step. The model deletes exactly when the store must: expired entries on
 * load/touch/remove (and the sessions of an owner looked up), all expired ones on
 * sweep, the soonest-expiring session when full. A revocation replaces its session
 * under the same id until it ends. Session expiry times are kept distinct so the
 * eviction victim is never a tie.
 */
interface ModelEntry {
  data: number;
  expiresAt: number;
  owner?: string;
  revoked?: true;
}

const GRACE_MS = 700;

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
    const store = new MemoryStore({ maxSessions, revocationGraceMs: GRACE_MS });
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
      const entry = model.get(id) as ModelEntry;
      if (!entry.revoked) used.delete(entry.expiresAt);
      model.delete(id);
    };
    /** The live session under `id`; an ended session or revocation is dropped, as the store does. */
    const live = (id: string) => {
      const entry = model.get(id);
      if (entry !== undefined && entry.expiresAt <= now) drop(id);
      return entry !== undefined && entry.expiresAt > now && !entry.revoked ? entry : undefined;
    };
    const activeRevocation = (id: string) => {
      const entry = model.get(id);
      return entry?.revoked === true && entry.expiresAt > now;
    };
    const sessions = () => [...model.values()].filter((entry) => !entry.revoked);
    const idsOf = (owner: string) => [...model].filter(([, entry]) => !entry.revoked && entry.owner === owner).map(([key]) => key);
    const revoke = (id: string) => {
      const entry = model.get(id);
      if (entry?.revoked && entry.expiresAt > now) {
        entry.expiresAt = Math.max(entry.expiresAt, now + GRACE_MS);
        return false;
      }
      const session = entry !== undefined && !entry.revoked && entry.expiresAt > now ? entry : undefined;
      const end = Math.max(session?.expiresAt ?? 0, now + GRACE_MS);
      if (entry !== undefined) drop(id);
      model.set(id, { data: -1, expiresAt: end, revoked: true });
      return session !== undefined;
    };

    for (let step = 0; step < 4_000; step++) {
      const id = `s${random() % 60}`;
      const choice = random() % 100;
      const context = `step ${step}`;
      if (choice < 35) {
        const expiresAt = distinctExpiry(1 + (random() % 3_000));
        const ownerNumber = random() % 6;
        const owner = ownerNumber === 0 ? undefined : `u${ownerNumber}`;
        const options = owner === undefined ? undefined : { owner };
        const data = Uint8Array.of(step & 0xff, step >> 8);
        if (activeRevocation(id)) {
          expect(await store.store(id, data, expiresAt - now, options), context).toBe(false);
          expect(store.size, context).toBe(sessions().length);
          continue;
        }
        if (model.get(id)?.revoked) drop(id); // an ended revocation
        const existing = model.get(id);
        if (existing === undefined && maxSessions !== undefined && sessions().length >= maxSessions) {
          let victim: string | undefined;
          for (const [key, entry] of model) {
            if (entry.revoked) continue;
            if (victim === undefined || entry.expiresAt < (model.get(victim) as ModelEntry).expiresAt) victim = key;
          }
          drop(victim as string);
        }
        if (existing === undefined) {
          model.set(id, owner === undefined ? { data: step, expiresAt } : { data: step, expiresAt, owner });
          used.add(expiresAt);
        } else {
          existing.data = step;
          setExpiry(existing, expiresAt);
          if (owner === undefined) delete existing.owner;
          else existing.owner = owner;
        }
        expect(await store.store(id, data, expiresAt - now, options), context).toBe(true);
      } else if (choice < 52) {
        const entry = live(id);
        const expected = entry === undefined ? undefined : Uint8Array.of(entry.data & 0xff, entry.data >> 8);
        expect(await store.load(id), context).toEqual(expected);
      } else if (choice < 64) {
        const entry = live(id);
        const expiresAt = distinctExpiry(1 + (random() % 3_000));
        if (entry !== undefined) setExpiry(entry, expiresAt);
        expect(await store.touch(id, expiresAt - now), context).toBe(entry !== undefined);
      } else if (choice < 72) {
        const entry = activeRevocation(id) ? undefined : live(id);
        if (entry !== undefined) drop(id);
        expect(await store.remove(id), context).toBe(entry !== undefined);
      } else if (choice < 77) {
        const expired = [...model].filter(([, entry]) => entry.expiresAt <= now).map(([key]) => key);
        for (const key of expired) drop(key);
        expect(await store.sweep(), context).toBe(expired.length);
      } else if (choice < 83) {
        const expected = revoke(id);
        expect(await store.revoke(id), context).toBe(expected);
      } else if (choice < 88) {
        const owner = `u${1 + (random() % 5)}`;
        const expected = idsOf(owner)
          .filter((key) => live(key) !== undefined)
          .map((key) => ({ id: key, expiresAt: (model.get(key) as ModelEntry).expiresAt }));
        const listed = await store.sessionsOf(owner);
        const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
        expect(listed.sort(byId), context).toEqual(expected.sort(byId));
      } else if (choice < 90) {
        const owner = `u${1 + (random() % 5)}`;
        const except = `s${random() % 60}`;
        let revoked = 0;
        for (const key of idsOf(owner)) {
          if (live(key) === undefined || key === except) continue;
          revoke(key);
          revoked++;
        }
        expect(await store.removeSessionsOf(owner, { except }), context).toBe(revoked);
      } else {
        now += 1 + (random() % 500);
        vi.setSystemTime(now);
      }
      expect(store.size, context).toBe(sessions().length);
      expect(store.owners, context).toBe(new Set(sessions().flatMap(({ owner }) => (owner === undefined ? [] : [owner]))).size);
    }
    expect(await store.count()).toBe([...model.keys()].filter((key) => live(key) !== undefined).length);
    await store.close();
  });
});
