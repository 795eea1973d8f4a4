import type { ManagedSessionStore } from "@session-store/core";
import { freePort, harness } from "@session-store/harness";
import { PostgresStore } from "@session-store/store-postgres";
import { RedisStore } from "@session-store/store-redis";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../src/index.js";
import { openStore as openStoreWith } from "../src/open-store.js";

const SECRET = "s3cret-Pa55word";
const servers = [await harness("redis"), await harness("postgres")];
afterAll(() => Promise.all(servers.map((backend) => backend.cleanup())));

/** `url` with its port replaced by one nobody listens on, and a password that must not show. */
async function deadUrl(url: string): Promise<string> {
  const parsed = new URL(url);
  parsed.port = String(await freePort());
  parsed.password = SECRET;
  return parsed.href;
}

/** The store class of `backend`, counting the stores it closed. */
function countingCloses(backend: string) {
  const closed: ManagedSessionStore[] = [];
  const Base = (backend === "redis" ? RedisStore : PostgresStore) as unknown as new (options: object) => ManagedSessionStore;
  class Counting extends Base {
    override async close(): Promise<void> {
      closed.push(this);
      await super.close?.();
    }
  }
  const importer = async () => ({ RedisStore: Counting, PostgresStore: Counting });
  return { closed, importer };
}

describe.each(servers)("openStore(url, { ready: true }) on $name", (backend) => {
  const skipped = backend.skip ? ` (${backend.skip})` : "";

  it.skipIf(backend.skip !== undefined)(`resolves a working store when the backend answers${skipped}`, async () => {
    const store = await openStore(backend.storeUrl(), { ready: true });
    try {
      await store.store("a", new Uint8Array([1]), 60_000);
      expect([...((await store.load("a")) ?? [])]).toEqual([1]);
    } finally {
      await store.close?.();
    }
  });

  it.skipIf(backend.skip !== undefined)(`rejects with one line and closes the store when nobody listens${skipped}`, async () => {
    const { closed, importer } = countingCloses(backend.name);
    const error = await openStoreWith(await deadUrl(backend.storeUrl()), { ready: true }, importer).then(
      () => undefined,
      (reason: unknown) => reason as Error,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error?.message).toMatch(new RegExp(`^session store not ready: ${backend.name} store: [^\\n]+$`));
    expect(error?.message).not.toContain(SECRET);
    expect(error?.cause).toBeInstanceOf(Error);
    expect(closed).toHaveLength(1);
  });

  it.skipIf(backend.skip !== undefined)(`without ready, resolves without connecting${skipped}`, async () => {
    const store = await openStore(await deadUrl(backend.storeUrl()));
    await expect(store.ping?.()).rejects.toThrow(`${backend.name} store: `);
    await store.close?.();
  });
});

describe("openStore's options", () => {
  it("refuses an unknown option, naming the nearest known one", async () => {
    await expect(openStore("memory:", { raedy: true } as never)).rejects.toThrow(
      new TypeError("openStore has no option `raedy`; did you mean `ready`?"),
    );
    await expect(openStore("memory:", { ready: "yes" } as never)).rejects.toThrow(new TypeError("ready must be a boolean"));
    await expect(openStore("memory:", null as never)).rejects.toThrow(new TypeError("openStore options must be an object"));
  });

  it("pings an in-process store too", async () => {
    const store = await openStore("memory:", { ready: true });
    await store.close?.();
    await expect(store.ping?.()).rejects.toThrow("memory store: ");
  });
});
