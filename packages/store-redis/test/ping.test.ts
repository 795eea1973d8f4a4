import { SessionStoreError } from "@session-store/core";
import { freePort, settle } from "@session-store/harness";
import { describe, expect, it } from "vitest";
import { RedisStore } from "../src/index.js";

const TIMEOUT_MS = 500;

describe("redis ping", () => {
  it("rejects within the deadline with a SessionStoreError naming redis and ping when nothing listens", async () => {
    const store = new RedisStore({ url: `redis://127.0.0.1:${await freePort()}`, timeoutMs: TIMEOUT_MS });
    try {
      const { error, ms } = await settle(store.ping());
      expect(error).toBeInstanceOf(SessionStoreError);
      expect(error).toMatchObject({ backend: "redis", operation: "ping" });
      expect(ms).toBeLessThan(TIMEOUT_MS + 500);
    } finally {
      await store.close();
    }
  });
});
