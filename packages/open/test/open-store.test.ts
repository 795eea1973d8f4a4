import { inspect } from "node:util";
import { MemoryStore } from "@session-store/store-memory";
import { describe, expect, it } from "vitest";
import { openStore } from "../src/index.js";
import { openStore as openStoreWith } from "../src/open-store.js";

const SECRET = "s3cret-Pa55word";
const data = new Uint8Array([1, 2, 3]);

/** Everything an error would show in a log, cause included. */
function shown(error: unknown): string {
  return inspect(error, { depth: 10 });
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

// Fails the way Node's import() fails for a package that is not installed
// (installed-packages.test.ts sees the real thing in a separate Node process).
const notInstalled = async (packageName: string) => {
  throw Object.assign(new Error(`Cannot find package '${packageName}' imported from /app/node_modules/@session-store/open/dist/open-store.js`), {
    code: "ERR_MODULE_NOT_FOUND",
  });
};

describe("openStore", () => {
  it("opens a working MemoryStore for memory:", async () => {
    const store = await openStore("memory:");
    expect(store).toBeInstanceOf(MemoryStore);
    await store.store("a", data, 60_000);
    expect(await store.load("a")).toEqual(data);
    await store.close?.();
  });

  it.each([
    ["redis", `redis://:${SECRET}@127.0.0.1:6379`],
    ["redis", `rediss://user:${SECRET}@cache.example:6380/1`],
    ["postgres", `postgres://app:${SECRET}@db.example/app`],
    ["postgres", `postgresql://app:${SECRET}@db.example/app`],
    ["mongo", `mongodb://app:${SECRET}@a:27017,b:27017/app`],
    ["mongo", `mongodb+srv://app:${SECRET}@cluster.example/app`],
    ["sqlite", "sqlite:/tmp/sessions.db"],
    ["memory", "memory:"],
  ])("names the exact install command when the %s package is missing", async (backend, url) => {
    const error = await rejection(openStoreWith(url, {}, notInstalled));
    expect(error.message).toBe(
      `openStore: ${backend} URLs need @session-store/store-${backend}, which is not installed. ` +
        `Run: npm install @session-store/store-${backend}`,
    );
    expect(shown(error)).not.toContain(SECRET);
  });

  it("reports a package that is installed but fails to load as such, not as missing", async () => {
    const broken = async () => {
      throw new SyntaxError("Unexpected token in the package");
    };
    const error = await rejection(openStoreWith(`redis://:${SECRET}@127.0.0.1:6379`, {}, broken));
    expect(error.message).toBe("openStore: @session-store/store-redis failed to load");
    expect(error.cause).toBeInstanceOf(SyntaxError);
    expect(shown(error)).not.toContain(SECRET);

    const noExport = await rejection(openStoreWith("memory:", {}, async () => ({ SomethingElse: class {} })));
    expect(noExport.message).toBe("openStore: @session-store/store-memory does not export MemoryStore");
  });

  it("rejects an unknown scheme, naming it and the known ones, without the credentials", async () => {
    const error = await rejection(openStore(`mysql://root:${SECRET}@db.example/app`));
    expect(error.message).toMatch(/^openStore: unknown scheme "mysql:" in the store URL; use one of memory:, sqlite:<path>, postgres:\/\//);
    expect(shown(error)).not.toContain(SECRET);
  });

  it.each([
    `redis://:${SECRET}@`,
    `postgres://app:${SECRET}@[::1/app`,
    `mongodb://app:${SECRET}@/app`,
    `app:${SECRET}@127.0.0.1:6379`,
    `redis://:${SECRET}@127.0.0.1:6379?prefix=%E0%A4%A`,
    `  `,
  ])("rejects a malformed URL clearly, without the credentials: %s", async (url) => {
    const error = await rejection(openStore(url));
    expect(error.message).toMatch(/^openStore: (malformed store URL|unknown scheme)/);
    expect(shown(error)).not.toContain(SECRET);
  });

  it("rejects a URL that is not a string", async () => {
    await expect(openStore(undefined as never)).rejects.toThrow(new TypeError("openStore needs a URL string, got undefined"));
    await expect(openStore(new URL("redis://h") as never)).rejects.toThrow(TypeError);
  });
});
