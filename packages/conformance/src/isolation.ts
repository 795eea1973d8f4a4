import { expect } from "vitest";
import { expectBytes } from "./expect-bytes.js";
import { dataFor, HOUR, newId, storeExpired } from "./support.js";
import type { Check } from "./types.js";

const topic = "isolation";

export const isolationChecks: Check[] = [
  {
    topic,
    name: "stores over different namespaces never see each other's data",
    async run(context) {
      const [a, b] = [await context.open(), await context.open()];
      const id = newId();
      await a.store(id, dataFor("a"), HOUR);
      expect(await b.load(id), "b must not see a's session").toBeUndefined();
      expect(await b.touch(id, HOUR), "b must not touch a's session").toBe(false);
      expect(await b.remove(id), "b must not remove a's session").toBe(false);
      await b.store(id, dataFor("b"), HOUR);
      expectBytes(await a.load(id), dataFor("a"));
      expectBytes(await b.load(id), dataFor("b"));
      expect(await a.remove(id)).toBe(true);
      expectBytes(await b.load(id), dataFor("b"), "b's session after a removed its own");
    },
  },
  {
    topic,
    name: "sweeping one namespace leaves another's expired entries to it",
    appliesTo: (options) => options.capabilities.expiry === "sweep",
    async run(context) {
      const [a, b] = [await context.open(), await context.open()];
      const ids = [newId(), newId()];
      await storeExpired(context, b, ids);
      expect(await a.sweep?.()).toBe(0);
      expect(await b.sweep?.()).toBe(ids.length);
    },
  },
  {
    topic,
    name: "two stores over one namespace share its data",
    appliesTo: (options) => options.capabilities.sharedNamespace === true,
    async run(context) {
      const a = await context.open();
      const b = await context.open(context.namespaceOf(a));
      const id = newId();
      await a.store(id, dataFor("from a"), HOUR);
      expectBytes(await b.load(id), dataFor("from a"));
      await b.store(id, dataFor("from b"), HOUR);
      expectBytes(await a.load(id), dataFor("from b"));
      expect(await b.remove(id)).toBe(true);
      expect(await a.load(id)).toBeUndefined();
    },
  },
];
