import { expect } from "vitest";
import { SessionStoreError } from "@session-store/core";
import { dataFor, HOUR, newId } from "./support.js";
import type { Check } from "./types.js";

const topic = "close";

export const closeChecks: Check[] = [
  {
    topic,
    name: "close is idempotent",
    async run(context) {
      const store = await context.open();
      if (!store.close) return;
      await store.store(newId(), dataFor("x"), HOUR);
      await expect(store.close()).resolves.toBeUndefined();
      await expect(store.close()).resolves.toBeUndefined();
    },
  },
  {
    topic,
    name: "every operation after close rejects with a SessionStoreError that says so",
    async run(context) {
      const store = await context.open();
      if (!store.close) return;
      const id = newId();
      await store.store(id, dataFor(id), HOUR);
      await store.close();
      const calls: Array<[string, () => Promise<unknown>]> = [
        ["load", () => store.load(id)],
        ["store", () => store.store(id, dataFor(id), HOUR)],
        ["remove", () => store.remove(id)],
        ["touch", () => store.touch(id, HOUR)],
      ];
      if (store.sweep) calls.push(["sweep", () => (store.sweep as () => Promise<number>).call(store)]);
      for (const [operation, run] of calls) {
        const error = await run().then(
          () => undefined,
          (reason: unknown) => reason,
        );
        expect(error, `${operation} after close`).toBeInstanceOf(SessionStoreError);
        expect((error as Error).message, `${operation} after close`).toMatch(/closed/i);
      }
    },
  },
  {
    topic,
    name: "operations in flight when close is called settle, none hangs",
    async run(context) {
      const store = await context.open();
      if (!store.close) return;
      const ids = Array.from({ length: 20 }, () => newId());
      const inFlight = ids.map((id) => store.store(id, dataFor(id), HOUR));
      const closing = store.close();
      const results = await Promise.allSettled([...inFlight, closing]);
      for (const result of results) {
        if (result.status === "rejected") expect(result.reason).toBeInstanceOf(SessionStoreError);
      }
    },
  },
  {
    topic,
    name: "data survives closing one store and opening another over the namespace",
    appliesTo: (options) => options.capabilities.sharedNamespace === true,
    async run(context) {
      const first = await context.open();
      const id = newId();
      await first.store(id, dataFor(id), HOUR);
      await first.close?.();
      const second = await context.open(context.namespaceOf(first));
      expect(await second.load(id)).toBeDefined();
    },
  },
];
