import { SessionStoreError } from "@session-store/core";
import { freePort, settle } from "@session-store/harness";
import { describe, expect, it } from "vitest";
import { PostgresStore } from "../src/index.js";

const TIMEOUT_MS = 500;

describe("postgres ping", () => {
  it("rejects within the deadline with a SessionStoreError naming postgres and ping when nothing listens", async () => {
    const store = new PostgresStore({ connection: `postgres://someone@127.0.0.1:${await freePort()}/db`, timeoutMs: TIMEOUT_MS });
    try {
      const { error, ms } = await settle(store.ping());
      expect(error).toBeInstanceOf(SessionStoreError);
      expect(error).toMatchObject({ backend: "postgres", operation: "ping" });
      expect(ms).toBeLessThan(TIMEOUT_MS + 500);
    } finally {
      await store.close();
    }
  });
});
