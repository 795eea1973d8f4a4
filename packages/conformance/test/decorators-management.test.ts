import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createIdHasher, encrypted, hashedIds, isManaged } from "@session-store/core";
import type { ListedEntry, UndecryptableReason } from "@session-store/core";
import { ReferenceStore as MapStore } from "../src/reference-store.js";
import { nativeExpiryStore } from "./native-expiry-store.js";

const secret = "a secret of at least sixteen bytes";
const hash = createIdHasher({ secret });
const keyA = new Uint8Array(randomBytes(32));
const keyB = new Uint8Array(randomBytes(32));
const bytes = (...values: number[]) => new Uint8Array(values);
const HOUR = 3_600_000;

async function collect(entries: AsyncIterable<ListedEntry>): Promise<ListedEntry[]> {
  const all: ListedEntry[] = [];
  for await (const entry of entries) all.push(entry);
  return all;
}

describe("hashedIds over a managed store", () => {
  it("files the session under the owner as given, and entry reads it by the real id", async () => {
    const inner = new MapStore();
    const store = hashedIds(inner, { secret });
    expect(await store.store("sid", bytes(1), HOUR, { owner: "alice" })).toBe(true);
    expect(inner.records.get(hash("sid"))?.owner).toBe("alice");
    const entry = await store.entry("sid");
    expect(entry).toMatchObject({ data: bytes(1), owner: "alice" });
    expect(entry!.expiresAt).toBeGreaterThan(Date.now());
  });

  it("lists ids as NUL + the hashed key, never the real id", async () => {
    const store = hashedIds(new MapStore(), { secret });
    await store.store("sid-1", bytes(1), HOUR, { owner: "alice" });
    await store.store("sid-2", bytes(2), HOUR);
    expect((await store.sessionsOf("alice")).map(({ id }) => id)).toEqual([`\0${hash("sid-1")}`]);
    const listed = await collect(store.entries({ batchSize: 1 }));
    expect(listed.map(({ id }) => id).sort()).toEqual([`\0${hash("sid-1")}`, `\0${hash("sid-2")}`].sort());
    expect(listed.find(({ id }) => id === `\0${hash("sid-1")}`)).toMatchObject({ data: bytes(1), owner: "alice" });
  });

  it("revokes what sessionsOf returned: the real id then stays dead", async () => {
    const store = hashedIds(new MapStore(), { secret });
    await store.store("sid", bytes(1), HOUR, { owner: "alice" });
    const [listed] = await store.sessionsOf("alice");
    expect(await store.revoke(listed!.id)).toBe(true);
    expect(await store.load("sid")).toBeUndefined();
    expect(await store.store("sid", bytes(2), HOUR)).toBe(false);
    expect(await store.sessionsOf("alice")).toEqual([]);
  });

  it("revokes what entries returned", async () => {
    const store = hashedIds(new MapStore(), { secret });
    for (const id of ["a", "b", "c"]) await store.store(id, bytes(1), HOUR);
    for await (const { id } of store.entries()) expect(await store.revoke(id)).toBe(true);
    expect(await store.count()).toBe(0);
    expect(await store.touch("b", HOUR)).toBe(false);
  });

  it("revokes by the real id as well", async () => {
    const store = hashedIds(new MapStore(), { secret });
    await store.store("sid", bytes(1), HOUR);
    expect(await store.revoke("sid")).toBe(true);
    expect(await store.revoke("sid")).toBe(false);
    expect(await store.store("sid", bytes(1), HOUR)).toBe(false);
  });

  it.each([
    ["the real current id", "current"],
    ["the listed current id", `\0${hash("current")}`],
  ])("removeSessionsOf keeps `except` given as %s", async (_what, except) => {
    const store = hashedIds(new MapStore(), { secret });
    for (const id of ["current", "laptop", "phone"]) await store.store(id, bytes(1), HOUR, { owner: "alice" });
    expect(await store.removeSessionsOf("alice", { except })).toBe(2);
    expect(await store.load("current")).toEqual(bytes(1));
    expect(await store.load("laptop")).toBeUndefined();
    expect(await store.store("phone", bytes(1), HOUR)).toBe(false);
    expect(await store.sessionsOf("alice")).toEqual([{ id: `\0${hash("current")}`, expiresAt: expect.any(Number) }]);
  });

  it("removeSessionsOf without except revokes them all", async () => {
    const store = hashedIds(new MapStore(), { secret });
    for (const id of ["a", "b"]) await store.store(id, bytes(1), HOUR, { owner: "alice" });
    expect(await store.removeSessionsOf("alice")).toBe(2);
    expect(await store.count()).toBe(0);
  });

  it("refuses a listed id everywhere but revoke and except, before the backend sees anything", async () => {
    const inner = new MapStore();
    const store = hashedIds(inner, { secret });
    const listed = `\0${hash("sid")}`;
    await expect(store.load(listed)).rejects.toThrow(RangeError);
    await expect(store.store(listed, bytes(1), HOUR)).rejects.toThrow(RangeError);
    await expect(store.touch(listed, HOUR)).rejects.toThrow(RangeError);
    await expect(store.remove(listed)).rejects.toThrow(RangeError);
    await expect(store.entry(listed)).rejects.toThrow(RangeError);
    expect(inner.seenIds).toEqual([]);
  });

  it.each([
    ["NUL alone", "\0"],
    ["NUL + a real id", "\0sid"],
    ["NUL + a hashed key with a NUL in it", `\0${hash("sid").slice(1)}\0`],
    ["NUL + an uppercase hashed key", `\0${hash("sid").toUpperCase()}`],
    ["a NUL inside", `${hash("sid")}\0`],
  ])("refuses %s as a revoke id or an except", async (_what, id) => {
    const inner = new MapStore();
    const store = hashedIds(inner, { secret });
    await expect(store.revoke(id)).rejects.toThrow(RangeError);
    await expect(store.removeSessionsOf("alice", { except: id })).rejects.toThrow(RangeError);
    expect(inner.seenIds).toEqual([]);
  });

  it("accepts a listed id in the encoding it was made with", async () => {
    const store = hashedIds(new MapStore(), { secret, encoding: "base64url" });
    await store.store("sid", bytes(1), HOUR, { owner: "alice" });
    const [listed] = await store.sessionsOf("alice");
    expect(listed!.id).toMatch(/^\0[A-Za-z0-9_-]{43}$/);
    expect(await store.revoke(listed!.id)).toBe(true);
    await expect(store.revoke(`\0${hash("sid")}`)).rejects.toThrow(RangeError);
  });

  it("checks owners, store options and removeSessionsOf options before the backend sees anything", async () => {
    const inner = new MapStore();
    const store = hashedIds(inner, { secret });
    await expect(store.store("sid", bytes(1), HOUR, "alice" as never)).rejects.toThrow(TypeError);
    await expect(store.store("sid", bytes(1), HOUR, { owner: "a\0b" })).rejects.toThrow(RangeError);
    await expect(store.sessionsOf("")).rejects.toThrow(RangeError);
    await expect(store.removeSessionsOf(7 as never)).rejects.toThrow(TypeError);
    await expect(store.removeSessionsOf("alice", "sid" as never)).rejects.toThrow(TypeError);
    await expect(store.removeSessionsOf("alice", { except: 7 as never })).rejects.toThrow(TypeError);
    await expect(store.revoke(undefined as never)).rejects.toThrow(TypeError);
    expect(inner.seenIds).toEqual([]);
  });

  it("rejects bad entries options on the first next(), not on the call", async () => {
    const store = hashedIds(new MapStore(), { secret });
    const listing = store.entries({ batchSize: 0 });
    await expect(listing[Symbol.asyncIterator]().next()).rejects.toThrow(RangeError);
  });

  it("passes count and clear through; clear keeps revocations", async () => {
    const store = hashedIds(new MapStore(), { secret });
    await store.store("a", bytes(1), HOUR);
    await store.store("b", bytes(1), HOUR);
    await store.revoke("b");
    expect(await store.count()).toBe(1);
    expect(await store.clear()).toBe(1);
    expect(await store.store("b", bytes(1), HOUR)).toBe(false);
    expect(await store.store("a", bytes(1), HOUR)).toBe(true);
  });
});

describe("encrypted over a managed store", () => {
  function setup(keys: Uint8Array[], inner = new MapStore()) {
    const reasons: UndecryptableReason[] = [];
    const store = encrypted(inner, { keys, onUndecryptable: (reason) => reasons.push(reason) });
    return { inner, store, reasons };
  }

  it("entry decrypts; the owner stays plain in the backend", async () => {
    const { inner, store } = setup([keyA]);
    expect(await store.store("sid", bytes(1, 2, 3), HOUR, { owner: "alice" })).toBe(true);
    const record = inner.records.get("sid")!;
    expect(record.owner).toBe("alice");
    expect(record.data.length).toBe(3 + 33);
    const entry = await store.entry("sid");
    expect(entry).toEqual({ data: bytes(1, 2, 3), expiresAt: record.expiresAt, owner: "alice" });
    expect(await store.entry("other")).toBeUndefined();
  });

  it("entry has no owner property when the session has none", async () => {
    const { store } = setup([keyA]);
    await store.store("sid", bytes(1), HOUR);
    expect(Object.keys((await store.entry("sid"))!).sort()).toEqual(["data", "expiresAt"]);
  });

  it("entry and entries skip what does not decrypt, as load does", async () => {
    const inner = new MapStore();
    await setup([keyA], inner).store.store("old", bytes(1), HOUR);
    const { store, reasons } = setup([keyB], inner);
    await store.store("new", bytes(2), HOUR, { owner: "bob" });
    expect(await store.entry("old")).toBeUndefined();
    const listed = await collect(store.entries({ batchSize: 1 }));
    expect(listed).toEqual([{ id: "new", data: bytes(2), expiresAt: expect.any(Number), owner: "bob" }]);
    expect(reasons).toEqual(["unknown-key", "unknown-key"]);
  });

  it("entry refuses bad ids before the backend sees anything", async () => {
    const { inner, store } = setup([keyA]);
    await expect(store.entry("")).rejects.toThrow(RangeError);
    await expect(store.store("sid", bytes(1), HOUR, null as never)).rejects.toThrow(TypeError);
    expect(inner.seenIds).toEqual([]);
  });

  it("passes owners, revocation, count and clear through", async () => {
    const { store } = setup([keyA]);
    for (const id of ["current", "laptop"]) await store.store(id, bytes(1), HOUR, { owner: "alice" });
    expect((await store.sessionsOf("alice")).map(({ id }) => id).sort()).toEqual(["current", "laptop"]);
    expect(await store.removeSessionsOf("alice", { except: "current" })).toBe(1);
    expect(await store.store("laptop", bytes(1), HOUR)).toBe(false);
    expect(await store.revoke("current")).toBe(true);
    expect(await store.load("current")).toBeUndefined();
    await store.store("other", bytes(1), HOUR);
    expect(await store.count()).toBe(1);
    expect(await store.clear()).toBe(1);
  });

  it("rejects bad entries options on the first next(), not on the call", async () => {
    const { store } = setup([keyA]);
    const listing = store.entries({ batchSize: 1.5 });
    await expect(listing[Symbol.asyncIterator]().next()).rejects.toThrow(RangeError);
  });
});

describe("encrypted and hashedIds together", () => {
  it("hashedIds(encrypted(store)) lists decrypted entries under listed ids, and revokes them", async () => {
    const store = hashedIds(encrypted(new MapStore(), { keys: [keyA] }), { secret });
    await store.store("sid", bytes(7), HOUR, { owner: "alice" });
    const listed = await collect(store.entries());
    expect(listed).toEqual([{ id: `\0${hash("sid")}`, data: bytes(7), expiresAt: expect.any(Number), owner: "alice" }]);
    expect(await store.entry("sid")).toMatchObject({ data: bytes(7), owner: "alice" });
    expect(await store.revoke(listed[0]!.id)).toBe(true);
    expect(await store.load("sid")).toBeUndefined();
  });

  it("encrypted(hashedIds(store)) reads entry and revokes listed ids, but refuses entries with the way out", async () => {
    const store = encrypted(hashedIds(new MapStore(), { secret }), { keys: [keyA] });
    await store.store("sid", bytes(7), HOUR, { owner: "alice" });
    expect(await store.entry("sid")).toMatchObject({ data: bytes(7), owner: "alice" });
    await expect(collect(store.entries())).rejects.toThrow(/hashedIds\(encrypted\(store\)\)/);
    const [listed] = await store.sessionsOf("alice");
    expect(await store.revoke(listed!.id)).toBe(true);
    expect(await store.load("sid")).toBeUndefined();
  });
});

describe("over a store without session management", () => {
  it.each([
    ["hashedIds", () => hashedIds(nativeExpiryStore(), { secret })],
    ["encrypted", () => encrypted(nativeExpiryStore(), { keys: [keyA] })],
    ["both", () => encrypted(hashedIds(nativeExpiryStore(), { secret }), { keys: [keyA] })],
  ])("%s has no management methods and still works", async (_what, make) => {
    const store = make();
    expect(isManaged(store)).toBe(false);
    for (const method of ["entry", "sessionsOf", "removeSessionsOf", "revoke", "entries", "count", "clear"]) {
      expect(method in store).toBe(false);
    }
    await store.store("sid", bytes(1), HOUR);
    expect(await store.load("sid")).toEqual(bytes(1));
  });

  it("over a managed store, every management method is there", () => {
    expect(isManaged(hashedIds(new MapStore(), { secret }))).toBe(true);
    expect(isManaged(encrypted(new MapStore(), { keys: [keyA] }))).toBe(true);
    expect(isManaged(encrypted(hashedIds(new MapStore(), { secret }), { keys: [keyA] }))).toBe(true);
  });
});
