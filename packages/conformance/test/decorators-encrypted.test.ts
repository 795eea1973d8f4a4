import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { encrypted, ENCRYPTION_OVERHEAD_BYTES, hashedIds } from "@session-store/core";
import type { UndecryptableReason } from "@session-store/core";
import { ReferenceStore as MapStore } from "../src/reference-store.js";
import { nativeExpiryStore } from "./native-expiry-store.js";

const keyA = new Uint8Array(randomBytes(32));
const keyB = new Uint8Array(randomBytes(32));
const OVERHEAD = ENCRYPTION_OVERHEAD_BYTES;

/** An encrypted MapStore that records why each undecryptable load came back empty. */
function setup(keys: Uint8Array[], inner = new MapStore()) {
  const reasons: UndecryptableReason[] = [];
  const store = encrypted(inner, { keys, onUndecryptable: (reason) => reasons.push(reason) });
  return { inner, store, reasons };
}

const raw = (inner: MapStore, id: string) => inner.records.get(id)!.data;

describe("encrypted", () => {
  it("stores ciphertext only: 33 bytes longer, plaintext absent, a fresh IV on every write", async () => {
    const { inner, store } = setup([keyA]);
    const plain = new TextEncoder().encode("user=alice;role=admin;".repeat(20));
    await store.store("id", plain, 60_000);
    const first = raw(inner, "id").slice();
    expect(OVERHEAD).toBe(33);
    expect(first.length).toBe(plain.length + OVERHEAD);
    expect(Buffer.from(first).includes(Buffer.from("alice"))).toBe(false);

    await store.store("id", plain, 60_000);
    expect(Buffer.from(raw(inner, "id")).equals(Buffer.from(first))).toBe(false);
    expect(await store.load("id")).toEqual(plain);
  });

  it("round-trips empty data, all 256 byte values and 8 MiB exactly", async () => {
    const { store } = setup([keyA]);
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const big = new Uint8Array(randomBytes(8 * 1024 * 1024));
    for (const data of [new Uint8Array(0), all, big]) {
      await store.store("id", data, 60_000);
      const loaded = await store.load("id");
      expect(loaded?.length).toBe(data.length);
      expect(Buffer.from(loaded!).equals(Buffer.from(data))).toBe(true);
    }
  });

  it("returns a fresh array of its own, not a view into a shared buffer", async () => {
    const { store } = setup([keyA]);
    await store.store("id", new Uint8Array([1, 2, 3]), 60_000);
    const loaded = (await store.load("id"))!;
    expect(loaded.buffer.byteLength).toBe(3);
    loaded.fill(0);
    expect(await store.load("id")).toEqual(new Uint8Array([1, 2, 3]));
  });

  it("rotates keys: encrypts with the first, decrypts with any, and drops entries of a removed key", async () => {
    const inner = new MapStore();
    const old = setup([keyA], inner);
    await old.store.store("written-with-a", new Uint8Array([1]), 60_000);

    const rotated = setup([keyB, keyA], inner);
    expect(await rotated.store.load("written-with-a")).toEqual(new Uint8Array([1]));
    await rotated.store.store("written-with-b", new Uint8Array([2]), 60_000);

    const onlyB = setup([keyB], inner);
    expect(await onlyB.store.load("written-with-b")).toEqual(new Uint8Array([2]));
    expect(await onlyB.store.load("written-with-a")).toBeUndefined();
    expect(onlyB.reasons).toEqual(["unknown-key"]);
    expect(await old.store.load("written-with-b")).toBeUndefined();
  });

  it("loads every single-bit flip, truncation and extension of an entry as undefined", async () => {
    const { inner, store, reasons } = setup([keyA]);
    await store.store("id", new Uint8Array([10, 20, 30, 40]), 60_000);
    const good = raw(inner, "id").slice();
    const variants: Uint8Array[] = [];
    for (let byte = 0; byte < good.length; byte += 1) {
      for (let bit = 0; bit < 8; bit += 1) {
        const flipped = good.slice();
        flipped[byte]! ^= 1 << bit;
        variants.push(flipped);
      }
    }
    for (let length = 0; length < good.length; length += 1) variants.push(good.slice(0, length));
    variants.push(new Uint8Array([...good, 0]));

    for (const variant of variants) {
      inner.records.get("id")!.data = variant;
      expect(await store.load("id")).toBeUndefined();
    }
    expect(reasons).toHaveLength(variants.length);
    expect(new Set(reasons)).toEqual(new Set(["format", "unknown-key", "authentication"]));
  });

  it("loads random garbage of any length as undefined without throwing", async () => {
    const { inner, store } = setup([keyA]);
    await store.store("id", new Uint8Array([1]), 60_000);
    for (let length = 0; length < 200; length += 1) {
      const garbage = new Uint8Array(randomBytes(length));
      if (length > 5) garbage.set(raw(inner, "id").subarray(0, 5)); // a valid header, to reach the tag check
      inner.records.get("id")!.data = garbage;
      expect(await store.load("id")).toBeUndefined();
    }
  });

  it("binds the entry to its id: a copy under another id does not decrypt", async () => {
    const { inner, store, reasons } = setup([keyA]);
    await store.store("alice", new Uint8Array([1, 2]), 60_000);
    await store.store("mallory", new Uint8Array([3, 4]), 60_000);
    inner.records.get("mallory")!.data = raw(inner, "alice").slice();
    expect(await store.load("mallory")).toBeUndefined();
    expect(reasons).toEqual(["authentication"]);
    expect(await store.load("alice")).toEqual(new Uint8Array([1, 2]));
  });

  it("keeps working with the key it was given when the caller's array changes", async () => {
    const key = new Uint8Array(keyA);
    const { store } = setup([key]);
    await store.store("id", new Uint8Array([5]), 60_000);
    key.fill(0);
    expect(await store.load("id")).toEqual(new Uint8Array([5]));
  });

  it.each([
    ["no options", undefined, TypeError],
    ["keys that are not an array", { keys: keyA }, TypeError],
    ["an empty key list", { keys: [] }, RangeError],
    ["a key that is a string", { keys: ["k".repeat(32)] }, TypeError],
    ["a 31-byte key", { keys: [new Uint8Array(31)] }, RangeError],
    ["a 33-byte key", { keys: [keyA, new Uint8Array(33)] }, RangeError],
  ])("refuses %s", (_what, options, type) => {
    expect(() => encrypted(new MapStore(), options as never)).toThrow(type);
  });

  it("never puts key bytes in an error message", () => {
    const secretKey = Buffer.from("0123456789abcdef0123456789abcdef!");
    try {
      encrypted(new MapStore(), { keys: [secretKey] });
      expect.unreachable();
    } catch (error) {
      expect(String(error)).not.toContain("0123456789");
    }
  });

  it("refuses bad arguments before encrypting or touching the backend", async () => {
    const { inner, store } = setup([keyA]);
    await expect(store.store("", new Uint8Array(1), 1000)).rejects.toThrow(RangeError);
    await expect(store.store("id", [1, 2] as never, 1000)).rejects.toThrow(TypeError);
    await expect(store.store("id", new Uint8Array(1), -1)).rejects.toThrow(RangeError);
    await expect(store.load("a\uDC00")).rejects.toThrow(RangeError);
    await expect(store.touch("id", Infinity)).rejects.toThrow(RangeError);
    await expect(store.remove(7 as never)).rejects.toThrow(TypeError);
    expect(inner.seenIds).toEqual([]);
  });

  it("touches and removes without rewriting the entry", async () => {
    const { inner, store } = setup([keyA]);
    await store.store("id", new Uint8Array([1]), 60_000);
    const before = raw(inner, "id");
    expect(await store.touch("id", 120_000)).toBe(true);
    expect(raw(inner, "id")).toBe(before);
    expect(await store.remove("id")).toBe(true);
    expect(await store.touch("id", 1000)).toBe(false);
  });

  it("touch and remove agree with load on an undecryptable entry: touch keeps it, remove deletes it, both say false", async () => {
    const inner = new MapStore();
    await setup([keyA], inner).store.store("id", new Uint8Array([1]), 60_000);
    const { store, reasons } = setup([keyB], inner);
    const expiresAt = inner.records.get("id")!.expiresAt;

    expect(await store.load("id")).toBeUndefined();
    expect(await store.touch("id", 120_000)).toBe(false);
    expect(inner.records.get("id")!.expiresAt).toBe(expiresAt);
    expect(await store.remove("id")).toBe(false);
    expect(inner.records.has("id")).toBe(false);
    expect(reasons).toEqual(["unknown-key", "unknown-key", "unknown-key"]);
  });

  it("composes with hashedIds either way round", async () => {
    const secret = "a secret of at least sixteen bytes";
    for (const store of [
      encrypted(hashedIds(new MapStore(), { secret }), { keys: [keyA] }),
      hashedIds(encrypted(new MapStore(), { keys: [keyA] }), { secret }),
    ]) {
      await store.store("id", new Uint8Array([4, 2]), 60_000);
      expect(await store.load("id")).toEqual(new Uint8Array([4, 2]));
      expect(await store.remove("id")).toBe(true);
    }
  });

  it("passes sweep and close through, and has no sweep when the wrapped store has none", async () => {
    const inner = new MapStore();
    const store = encrypted(inner, { keys: [keyA] });
    expect(await store.sweep()).toBe(0);
    expect(inner.sweeps).toBe(1);
    await store.close();
    expect(inner.closed).toBe(true);
    expect(encrypted(nativeExpiryStore(), { keys: [keyA] }).sweep).toBeUndefined();
  });
});
