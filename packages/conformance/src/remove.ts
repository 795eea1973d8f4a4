import { expect } from "vitest";
import { expectBytes } from "./expect-bytes.js";
import { dataFor, HOUR, newId, storeExpired } from "./support.js";
import type { Check } from "./types.js";

const topic = "remove";

export const removeChecks: Check[] = [
  {
    topic,
    name: "remove of a live session resolves true and deletes it",
    async run(context) {
      const store = await context.open();
      const id = newId();
      await store.store(id, dataFor(id), HOUR);
      expect(await store.remove(id)).toBe(true);
      expect(await store.load(id)).toBeUndefined();
      if (context.canInspect) expect(await context.inspect(store, id)).toBeUndefined();
    },
  },
  {
    topic,
    name: "a second remove resolves false",
    async run(context) {
      const store = await context.open();
      const id = newId();
      await store.store(id, dataFor(id), HOUR);
      expect(await store.remove(id)).toBe(true);
      expect(await store.remove(id)).toBe(false);
    },
  },
  {
    topic,
    name: "remove of an absent id resolves false",
    async run(context) {
      const store = await context.open();
      expect(await store.remove(newId())).toBe(false);
    },
  },
  {
    topic,
    name: "remove of an expired session resolves false",
    async run(context) {
      const store = await context.open();
      const id = newId();
      await storeExpired(context, store, [id]);
      expect(await store.remove(id)).toBe(false);
      expect(await store.load(id)).toBeUndefined();
    },
  },
  {
    topic,
    name: "remove leaves other ids alone",
    async run(context) {
      const store = await context.open();
      const [a, b] = [newId(), newId()];
      await store.store(a, dataFor(a), HOUR);
      await store.store(b, dataFor(b), HOUR);
      expect(await store.remove(a)).toBe(true);
      expectBytes(await store.load(b), dataFor(b));
    },
  },
  {
    topic,
    name: "concurrent removes of one live session: exactly one resolves true",
    async run(context) {
      const store = await context.open();
      const id = newId();
      await store.store(id, dataFor(id), HOUR);
      const results = await Promise.all(Array.from({ length: 10 }, () => store.remove(id)));
      expect(results.filter(Boolean)).toHaveLength(1);
    },
  },
];
