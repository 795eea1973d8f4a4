import type { ListedEntry } from "@session-store/core";
import { SessionStoreError } from "@session-store/core";
import { MemoryStore } from "@session-store/store-memory";
import { describe, expect, it } from "vitest";
import { copySessions, displayUrl } from "../src/index.js";

const HOUR = 3_600_000;
const listing = (entries: ListedEntry[]) => ({
  async *entries() {
    yield* entries;
  },
});
const entry = (id: string, expiresAt = Date.now() + HOUR): ListedEntry => ({ id, data: new Uint8Array([1]), expiresAt });

describe("copySessions", () => {
  it("counts a session ended before its write as expired, and writes nothing for it", async () => {
    const to = new MemoryStore();
    const counts = await copySessions({ from: listing([entry("live"), entry("ended", Date.now() - 1)]), to });
    expect(counts).toMatchObject({ listed: 2, copied: 1, expired: 1, failed: 0 });
    expect(await to.entry("ended")).toBeUndefined();
    await to.close();
  });

  it("counts failed writes by reason, names no session id, and goes on", async () => {
    const to = new MemoryStore();
    const store = to.store.bind(to);
    to.store = async (id, data, ttlMs, options) => {
      if (id.startsWith("secret-")) throw new SessionStoreError("store failed", { backend: "memory", operation: "store" });
      return store(id, data, ttlMs, options);
    };
    const counts = await copySessions({ from: listing([entry("secret-a"), entry("secret-b"), entry("c")]), to, batchSize: 2 });
    expect(counts).toMatchObject({ copied: 1, failed: 2, failures: { "SessionStoreError: memory store: store failed": 2 } });
    expect(JSON.stringify(counts)).not.toContain("secret-");
    await to.close();
  });

  it("stops after the batch in flight once the signal aborts", async () => {
    const to = new MemoryStore();
    const interrupt = new AbortController();
    const from = listing(Array.from({ length: 10 }, (_, index) => entry(`s${index}`)));
    const counts = await copySessions({ from, to, batchSize: 3, signal: interrupt.signal, onBatch: () => interrupt.abort() });
    expect(counts.copied).toBe(3);
    expect(await to.count()).toBe(3);
    await to.close();
  });
});

describe("displayUrl", () => {
  it("hides the password of any URL, and keeps the rest readable", () => {
    expect(displayUrl("postgres://app:hunter2@db:5432/app?sslmode=require")).toBe("postgres://app:***@db:5432/app?sslmode=require");
    expect(displayUrl("connect-redis+redis://:pw@127.0.0.1:6379/0?prefix=sess:")).toBe("connect-redis+redis://:***@127.0.0.1:6379/0?prefix=sess:");
    expect(displayUrl("mongodb://u:pw@a:1,b:2/db")).toBe("mongodb://[redacted]");
    expect(displayUrl("redis://h:6379?password=pw")).not.toContain("=pw");
    expect(displayUrl("sqlite:./sessions.db")).toBe("sqlite:./sessions.db");
  });
});
