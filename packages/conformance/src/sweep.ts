import { expect } from "vitest";
import type { SessionStore } from "@session-store/core";
import { expectBytes } from "./expect-bytes.js";
import { dataFor, HOUR, newId, storeExpired } from "./support.js";
import type { Check } from "./types.js";

const topic = "sweep";

/** Sweeps that must run on the store: `sweep` is part of a sweep-based store. */
function sweepOf(store: SessionStore): () => Promise<number> {
  expect(typeof store.sweep, "a sweep-based store has a sweep method").toBe("function");
  return () => (store.sweep as () => Promise<number>).call(store);
}

export const sweepChecks: Check[] = [
  {
    topic,
    name: "a store with native expiry has no sweep method",
    appliesTo: (options) => options.capabilities.expiry === "native",
    async run(context) {
      const store = await context.open();
      expect(store.sweep).toBeUndefined();
    },
  },
  {
    topic,
    name: "sweep deletes exactly the expired sessions and resolves their count",
    appliesTo: (options) => options.capabilities.expiry === "sweep",
    async run(context) {
      const store = await context.open();
      const live = Array.from({ length: 3 }, () => newId());
      for (const id of live) await store.store(id, dataFor(id), HOUR);
      const expired = Array.from({ length: 5 }, newId);
      await storeExpired(context, store, expired);
      const sweep = sweepOf(store);
      expect(await sweep()).toBe(5);
      expect(await sweep(), "a second sweep finds nothing").toBe(0);
      for (const id of live) expectBytes(await store.load(id), dataFor(id));
      if (context.canInspect) {
        for (const id of expired) expect(await context.inspect(store, id), "swept entry").toBeUndefined();
        for (const id of live) expect(await context.inspect(store, id), "live entry").toBeDefined();
      }
    },
  },
  {
    topic,
    name: "sweep on an empty store resolves 0",
    appliesTo: (options) => options.capabilities.expiry === "sweep",
    async run(context) {
      const store = await context.open();
      expect(await sweepOf(store)()).toBe(0);
    },
  },
  {
    topic,
    name: "sweep leaves a session stored again after it expired",
    appliesTo: (options) => options.capabilities.expiry === "sweep",
    async run(context) {
      const store = await context.open();
      const id = newId();
      await storeExpired(context, store, [id]);
      await store.store(id, dataFor("again"), HOUR);
      expect(await sweepOf(store)()).toBe(0);
      expectBytes(await store.load(id), dataFor("again"));
    },
  },
  {
    topic,
    name: "concurrent sweeps delete each expired session once, with counts that add up",
    appliesTo: (options) => options.capabilities.expiry === "sweep",
    async run(context) {
      const store = await context.open();
      const namespace = context.namespaceOf(store);
      const expired = Array.from({ length: 300 }, newId);
      await storeExpired(context, store, expired);
      const handles = context.capabilities.sharedNamespace
        ? [store, await context.open(namespace), await context.open(namespace)]
        : [store, store, store];
      const counts = await Promise.all(handles.map((handle) => sweepOf(handle)()));
      expect(counts.reduce((sum, count) => sum + count, 0)).toBe(expired.length);
    },
  },
];
