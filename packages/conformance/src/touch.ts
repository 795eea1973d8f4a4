import { expect } from "vitest";
import { expectBytes } from "./expect-bytes.js";
import { dataFor, HOUR, newId, SHORT_TTL, sleepUntil, storeExpired, timed } from "./support.js";
import type { Check } from "./types.js";

const topic = "touch";

export const touchChecks: Check[] = [
  {
    topic,
    name: "touch on a live session resolves true and extends its expiry",
    async run(context) {
      const store = await context.open();
      const id = newId();
      const stored = await timed(() => store.store(id, dataFor(id), SHORT_TTL));
      const touched = await timed(() => store.touch(id, 5_000));
      if (touched.end - stored.start < SHORT_TTL) expect(touched.value).toBe(true);
      if (!touched.value) return;
      await sleepUntil(stored.end + SHORT_TTL + context.capabilities.expirySlackMs);
      expectBytes(await store.load(id), dataFor(id), "data after the original TTL, once touched");
    },
  },
  {
    topic,
    name: "touch moves the expiry to now + ttl, also when that is sooner",
    async run(context) {
      const store = await context.open();
      const id = newId();
      await store.store(id, dataFor(id), HOUR);
      const touched = await timed(() => store.touch(id, SHORT_TTL));
      expect(touched.value).toBe(true);
      await sleepUntil(touched.end + SHORT_TTL + context.capabilities.expirySlackMs);
      expect(await store.load(id)).toBeUndefined();
    },
  },
  {
    topic,
    name: "touch keeps the data unchanged",
    async run(context) {
      const store = await context.open();
      const id = newId();
      await store.store(id, dataFor("kept"), HOUR);
      expect(await store.touch(id, 2 * HOUR)).toBe(true);
      expectBytes(await store.load(id), dataFor("kept"));
    },
  },
  {
    topic,
    name: "touch on an absent id resolves false and creates nothing",
    async run(context) {
      const store = await context.open();
      const id = newId();
      expect(await store.touch(id, HOUR)).toBe(false);
      expect(await store.load(id)).toBeUndefined();
      if (context.canInspect) expect(await context.inspect(store, id)).toBeUndefined();
    },
  },
  {
    topic,
    name: "touch on an expired session resolves false and never revives it",
    async run(context) {
      const store = await context.open();
      const id = newId();
      await storeExpired(context, store, [id]);
      const before = context.canInspect ? await context.inspect(store, id) : undefined;
      expect(await store.touch(id, HOUR)).toBe(false);
      expect(await store.load(id)).toBeUndefined();
      if (context.canInspect) {
        const after = await context.inspect(store, id);
        if (after !== undefined) {
          expect(after.expiresInMs, "the backend's expiry must stay in the past").toBeLessThanOrEqual(0);
          expect(before, "touch must not create an entry").toBeDefined();
        }
      }
    },
  },
  {
    topic,
    name: "touch on a removed session resolves false",
    async run(context) {
      const store = await context.open();
      const id = newId();
      await store.store(id, dataFor(id), HOUR);
      await store.remove(id);
      expect(await store.touch(id, HOUR)).toBe(false);
      expect(await store.load(id)).toBeUndefined();
    },
  },
  {
    topic,
    name: "the backend holds the expiry touch asked for (inspect)",
    appliesTo: (options) => options.inspect !== undefined,
    async run(context) {
      const store = await context.open();
      const id = newId();
      await store.store(id, dataFor(id), 60_000);
      const touched = await timed(() => store.touch(id, 7_200_000));
      const inspected = await timed(() => context.inspect(store, id));
      const remaining = inspected.value?.expiresInMs ?? Number.NaN;
      expect(remaining).toBeLessThanOrEqual(7_200_000 + 3);
      expect(remaining).toBeGreaterThan(7_200_000 - (inspected.end - touched.start) - 3);
    },
  },
];
