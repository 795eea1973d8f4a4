import { expect } from "vitest";
import type { ManagedSessionStore } from "@session-store/core";
import { managed, newOwner } from "./management-support.js";
import { dataFor, HOUR, newId } from "./support.js";
import type { Check } from "./types.js";

const topic = "revocation order";

/** Enough ids issued at once that a store which races its check and its write shows it. */
const RACING_IDS = 50;

/** Asserts every id is revoked: nothing loads, and a later store is refused. */
async function expectAllRevoked(store: ManagedSessionStore, ids: readonly string[], what: string): Promise<void> {
  const loads = await Promise.all(ids.map((id) => store.load(id)));
  expect(loads.filter((data) => data !== undefined).length, `${what}: sessions still live`).toBe(0);
  const entries = await Promise.all(ids.map((id) => store.entry(id)));
  expect(entries.filter((entry) => entry !== undefined).length, `${what}: entries still live`).toBe(0);
  const stores = await Promise.all(ids.map((id) => store.store(id, dataFor("late"), HOUR)));
  expect(stores.filter(Boolean).length, `${what}: later stores that wrote`).toBe(0);
}

// Calls on one id take effect in call order: whichever of a store and a revoke is
// called last decides, and either way the revocation is still in force afterwards.
export const revocationOrderChecks: Check[] = [
  {
    topic,
    name: "store then revoke, called without awaiting, on many ids: every id ends revoked and revoke saw the session",
    appliesTo: managed,
    async run(context) {
      const store = await context.openManaged();
      const owner = newOwner();
      const ids = Array.from({ length: RACING_IDS }, newId);
      const calls = ids.flatMap((id) => [store.store(id, dataFor(id), HOUR, { owner }), store.revoke(id)]);
      const results = await Promise.all(calls);
      expect(results.filter((_, index) => index % 2 === 0), "each store came first: it wrote").toEqual(ids.map(() => true));
      expect(results.filter((_, index) => index % 2 === 1), "each revoke came second: it found the session").toEqual(ids.map(() => true));
      await expectAllRevoked(store, ids, "store then revoke");
      expect(await store.sessionsOf(owner)).toEqual([]);
    },
  },
  {
    topic,
    name: "revoke then store, called without awaiting, on many ids: every store resolves false and writes nothing",
    appliesTo: managed,
    async run(context) {
      const store = await context.openManaged();
      const owner = newOwner();
      const ids = Array.from({ length: RACING_IDS }, newId);
      await Promise.all(ids.slice(0, RACING_IDS / 2).map((id) => store.store(id, dataFor(id), HOUR)));
      const calls = ids.flatMap((id) => [store.revoke(id), store.store(id, dataFor("racing"), HOUR, { owner })]);
      const results = await Promise.all(calls);
      expect(results.filter((_, index) => index % 2 === 1), "each store came after a revoke").toEqual(ids.map(() => false));
      await expectAllRevoked(store, ids, "revoke then store");
      expect(await store.sessionsOf(owner)).toEqual([]);
      expect(await store.count()).toBe(0);
    },
  },
  {
    topic,
    name: "stores and a revoke interleaved on one id: the revoke called last leaves it revoked",
    appliesTo: managed,
    async run(context) {
      const store = await context.openManaged();
      const ids = Array.from({ length: RACING_IDS / 5 }, newId);
      await Promise.all(
        ids.flatMap((id) => [
          store.store(id, dataFor("1"), HOUR),
          store.store(id, dataFor("2"), HOUR),
          store.touch(id, HOUR),
          store.store(id, dataFor("3"), HOUR),
          store.revoke(id),
        ]),
      );
      await expectAllRevoked(store, ids, "interleaved");
    },
  },
];
