import { expect } from "vitest";
import { SessionStoreError } from "@session-store/core";
import type { Check } from "./types.js";

const topic = "ping";

export const pingChecks: Check[] = [
  {
    topic,
    name: "ping resolves on an open store and rejects after close",
    async run(context) {
      const store = await context.open();
      if (!store.ping) return;
      await expect(store.ping()).resolves.toBeUndefined();
      if (!store.close) return;
      await store.close();
      const error = await store.ping().then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(error, "ping after close").toBeInstanceOf(SessionStoreError);
      expect((error as SessionStoreError).operation, "ping after close").toBe("ping");
      expect((error as Error).message, "ping after close").toMatch(/closed/i);
    },
  },
];
