import { backends } from "@session-store/bridge-test";
import { SessionStoreError } from "@session-store/core";
import { afterAll, describe, expect, it } from "vitest";
import { HonoSessionStore } from "../src/index.js";

afterAll(() => Promise.all(backends.map((backend) => backend.cleanup())));

describe.each(backends)("ready() and ping() on $name", (backend) => {
  const skipped = backend.skip ? ` (${backend.skip})` : "";

  it.skipIf(backend.skip !== undefined)(`resolve when the store answers${skipped}`, async () => {
    const bridge = new HonoSessionStore(await backend.open());
    await expect(bridge.ready()).resolves.toBeUndefined();
    await expect(bridge.ping()).resolves.toBeUndefined();
  });

  it.skipIf(backend.skip !== undefined)(`reject when it cannot: ready with one line, ping with a SessionStoreError${skipped}`, async () => {
    const bridge = new HonoSessionStore(await backend.dead());
    const error = await bridge.ready().then(
      () => undefined,
      (reason: unknown) => reason as Error,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error?.message).toMatch(/^session store not ready: \S+ store: [^\n]+$/);
    expect(error?.cause).toBeInstanceOf(SessionStoreError);
    await expect(bridge.ping()).rejects.toThrow(SessionStoreError);
    // Within the store's deadline (5 s by default): a dead backend never hangs startup.
  }, 10_000);
});

describe("HonoSessionStore options", () => {
  it("refuses an unknown option, naming the nearest known one", async () => {
    const store = await backends[0]!.open();
    expect(() => new HonoSessionStore(store, { ttl: 1000 } as never)).toThrow(new TypeError("HonoSessionStore has no option `ttl`; did you mean `ttlMs`?"));
    expect(() => new HonoSessionStore(store, { owners: () => undefined } as never)).toThrow(
      new TypeError("HonoSessionStore has no option `owners`; did you mean `owner`?"),
    );
    expect(() => new HonoSessionStore(store, { ttlMs: 1000, owner: () => undefined })).not.toThrow();
  });
});
