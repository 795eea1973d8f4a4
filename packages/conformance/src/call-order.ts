import { expect } from "vitest";
import { expectBytes } from "./expect-bytes.js";
import { dataFor, HOUR, newId } from "./support.js";
import type { Check } from "./types.js";

const topic = "call order";

/** Enough ids issued at once that a pool of connections would reorder some of them. */
const IDS = 50;

// Calls on one id take effect in the order they were called, awaited or not: a
// pool of connections must not let a later call overtake an earlier one.
export const callOrderChecks: Check[] = [
  {
    topic,
    name: "store then remove, called without awaiting, on many ids: every id ends absent",
    async run(context) {
      const store = await context.open();
      const ids = Array.from({ length: IDS }, newId);
      const removed = await Promise.all(ids.map((id) => [store.store(id, dataFor(id), HOUR), store.remove(id)]).flat());
      expect(removed.filter((_, index) => index % 2 === 1), "each remove came after its store: it found the session").toEqual(ids.map(() => true));
      const loads = await Promise.all(ids.map((id) => store.load(id)));
      expect(loads.filter((data) => data !== undefined).length, "sessions still stored").toBe(0);
    },
  },
  {
    topic,
    name: "store then touch, called without awaiting, on many ids: every touch finds the session",
    async run(context) {
      const store = await context.open();
      const ids = Array.from({ length: IDS }, newId);
      const results = await Promise.all(ids.map((id) => [store.store(id, dataFor(id), HOUR), store.touch(id, 2 * HOUR)]).flat());
      expect(results.filter((_, index) => index % 2 === 1), "touches that missed their store").toEqual(ids.map(() => true));
    },
  },
  {
    topic,
    name: "two stores of one id, called without awaiting: the second one's data stays",
    async run(context) {
      const store = await context.open();
      const ids = Array.from({ length: IDS }, newId);
      await Promise.all(ids.map((id) => [store.store(id, dataFor("first"), HOUR), store.store(id, dataFor(id), HOUR)]).flat());
      for (const id of ids) expectBytes(await store.load(id), dataFor(id), "the second store's data");
    },
  },
];
