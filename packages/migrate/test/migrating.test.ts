import { SessionStoreError } from "@session-store/core";
import { MemoryStore } from "@session-store/store-memory";
import { afterEach, describe, expect, it } from "vitest";
import { migrating } from "../src/index.js";
import { readOnly } from "./support/read-only.js";

const HOUR = 3_600_000;
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array | undefined) => (data === undefined ? undefined : new TextDecoder().decode(data));
const opened: MemoryStore[] = [];
const memory = () => {
  const store = new MemoryStore({ janitorIntervalMs: 3_600_000, revocationGraceMs: 200 });
  opened.push(store);
  return store;
};

afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
});

describe.each([
  ["writable from", false],
  ["read-only from", true],
] as const)("migrating, %s", (_title, isReadOnly) => {
  const setup = (hold?: () => Promise<void>) => {
    const old = memory();
    const to = memory();
    const from = isReadOnly ? readOnly(old, hold) : old;
    // `other` is a second app process over the same two stores.
    return { old, to, store: migrating({ from, to }), other: migrating({ from, to }) };
  };

  it("moves a session on first read with its remaining TTL and owner", async () => {
    const { old, to, store } = setup();
    await old.store("a", bytes("alice"), HOUR, { owner: "u1" });
    const before = (await old.entry("a"))?.expiresAt as number;
    expect(text(await store.load("a"))).toBe("alice");
    const moved = await to.entry("a");
    expect(text(moved?.data)).toBe("alice");
    expect(moved?.owner).toBe("u1");
    expect(Math.abs((moved?.expiresAt as number) - before)).toBeLessThanOrEqual(2);
    expect(await old.load("a")).toEqual(isReadOnly ? bytes("alice") : undefined);
  });

  it("reads to first: to's copy wins", async () => {
    const { old, to, store } = setup();
    await old.store("a", bytes("old"), HOUR);
    await to.store("a", bytes("new"), HOUR);
    expect(text(await store.load("a"))).toBe("new");
  });

  it("carries nothing expired over", async () => {
    const { old, to, store } = setup();
    await old.store("a", bytes("x"), 30);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await store.load("a")).toBeUndefined();
    expect(await to.entry("a")).toBeUndefined();
  });

  it("a session revoked in to is never read back from from", async () => {
    const { old, to, store } = setup();
    await old.store("a", bytes("x"), HOUR);
    expect(await store.revoke("a")).toBe(true);
    expect(await store.load("a")).toBeUndefined();
    expect(await store.entry("a")).toBeUndefined();
    expect(await store.touch("a", HOUR)).toBe(false);
    expect(await store.count()).toBe(0);
    expect(await to.store("a", bytes("y"), HOUR)).toBe(false);
  });

  it("a removed session that was never moved stays removed", async () => {
    const { old, store } = setup();
    await old.store("a", bytes("x"), HOUR);
    expect(await store.remove("a")).toBe(true);
    expect(await store.load("a")).toBeUndefined();
    expect(await store.remove("a")).toBe(false);
  });

  it.skipIf(!isReadOnly)("a revoke in another process during a move wins", async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let holding = true;
    const { old, store, other } = setup(() => (holding ? held : Promise.resolve()));
    await old.store("a", bytes("x"), HOUR);
    // The hold sits in the read-only wrapper's entry: the move has read `from` and not yet written `to`.
    const moving = store.load("a");
    await new Promise((resolve) => setTimeout(resolve, 10));
    holding = false;
    expect(await other.revoke("a")).toBe(true);
    release();
    expect(await moving).toBeUndefined();
    expect(await store.load("a")).toBeUndefined();
  });

  it("touch moves and extends a session still in from", async () => {
    const { old, to, store } = setup();
    await old.store("a", bytes("x"), 60_000);
    expect(await store.touch("a", HOUR)).toBe(true);
    expect((await to.entry("a"))?.expiresAt).toBeGreaterThan(Date.now() + HOUR - 1000);
  });

  it("store writes to to and removes from from", async () => {
    const { old, to, store } = setup();
    await old.store("a", bytes("old"), HOUR);
    expect(await store.store("a", bytes("new"), HOUR)).toBe(true);
    expect(text(await to.load("a"))).toBe("new");
    expect(await old.load("a")).toEqual(isReadOnly ? bytes("old") : undefined);
  });

  it("lists and counts both stores without duplicates", async () => {
    const { old, to, store } = setup();
    await old.store("a", bytes("a"), HOUR);
    await old.store("b", bytes("b-old"), HOUR);
    await to.store("b", bytes("b-new"), HOUR);
    await to.store("c", bytes("c"), HOUR);
    const listed = [];
    for await (const entry of store.entries({ batchSize: 1 })) listed.push([entry.id, text(entry.data)]);
    expect(listed.sort()).toEqual([
      ["a", "a"],
      ["b", "b-new"],
      ["c", "c"],
    ]);
    expect(await store.count()).toBe(3);
  });

  it("clear removes from both, and nothing comes back", async () => {
    const { old, to, store } = setup();
    await old.store("a", bytes("a"), HOUR);
    await to.store("c", bytes("c"), HOUR);
    expect(await store.clear()).toBe(2);
    expect(await store.load("a")).toBeUndefined();
    expect(await store.count()).toBe(0);
  });

  it("operations after close reject", async () => {
    const { store } = setup();
    await store.close();
    await expect(store.load("a")).rejects.toBeInstanceOf(SessionStoreError);
  });
});

describe("migrating, owners over a managed from", () => {
  it("sessionsOf and removeSessionsOf see both stores", async () => {
    const from = memory();
    const to = memory();
    const store = migrating({ from, to });
    await from.store("a", bytes("a"), HOUR, { owner: "u" });
    await from.store("b", bytes("b"), HOUR, { owner: "u" });
    await store.store("c", bytes("c"), HOUR, { owner: "u" });
    expect((await store.sessionsOf("u")).map((session) => session.id).sort()).toEqual(["a", "b", "c"]);
    expect(await store.removeSessionsOf("u", { except: "b" })).toBe(2);
    expect((await store.sessionsOf("u")).map((session) => session.id)).toEqual(["b"]);
    expect(await store.load("a")).toBeUndefined();
  });

  it("refuses a from without entry and a to without management", () => {
    const to = memory();
    expect(() => migrating({ from: {} as never, to })).toThrow(TypeError);
    expect(() => migrating({ from: to, to: { load: async () => undefined } as never })).toThrow(TypeError);
  });

  it("refuses a misspelt option, naming the one meant", () => {
    expect(() => migrating({ from: memory(), to: memory(), too: 1 } as never)).toThrow(/has no option `too`; did you mean `to`\?/);
  });
});
