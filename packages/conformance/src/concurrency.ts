import { expect } from "vitest";
import { expectBytes } from "./expect-bytes.js";
import { dataFor, HOUR, newId } from "./support.js";
import type { Check } from "./types.js";

const topic = "concurrency";
const VERSION_SIZE = 256 * 1024;

/** A large payload whose every byte says which version it is, so a mix is visible. */
function version(value: number): Uint8Array {
  return new Uint8Array(VERSION_SIZE).fill(value);
}

export const concurrencyChecks: Check[] = [
  {
    topic,
    name: "200 concurrent stores of distinct ids all land",
    async run(context) {
      const store = await context.open();
      const ids = Array.from({ length: 200 }, () => newId());
      await Promise.all(ids.map((id) => store.store(id, dataFor(id), HOUR)));
      const loaded = await Promise.all(ids.map((id) => store.load(id)));
      loaded.forEach((data, index) => expectBytes(data, dataFor(ids[index] as string)));
    },
  },
  {
    topic,
    name: "a load racing stores of one id sees a whole old or new value, never a mix",
    async run(context) {
      const store = await context.open();
      const reader = context.capabilities.sharedNamespace ? await context.open(context.namespaceOf(store)) : store;
      const id = newId();
      await store.store(id, version(1), HOUR);
      const writes = Array.from({ length: 20 }, (_, index) => store.store(id, version(1 + (index % 4)), HOUR));
      const reads = Array.from({ length: 20 }, () => reader.load(id));
      await Promise.all(writes);
      for (const data of await Promise.all(reads)) {
        expect(data, "a load during stores").toBeDefined();
        const first = (data as Uint8Array)[0] as number;
        expect([1, 2, 3, 4]).toContain(first);
        expectBytes(data, version(first), "a load during stores");
      }
    },
  },
  {
    topic,
    name: "touch, remove and load racing on one id settle without errors",
    async run(context) {
      const store = await context.open();
      const id = newId();
      await store.store(id, dataFor(id), HOUR);
      const results = await Promise.allSettled([
        store.touch(id, HOUR),
        store.remove(id),
        store.touch(id, HOUR),
        store.load(id),
        store.touch(id, 1),
      ]);
      expect(results.filter((result) => result.status === "rejected")).toEqual([]);
      expect(await store.load(id)).toBeUndefined();
    },
  },
];
