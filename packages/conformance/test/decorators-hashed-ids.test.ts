import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createIdHasher, hashedIds } from "@session-store/core";
import { ReferenceStore as MapStore } from "../src/reference-store.js";
import { nativeExpiryStore } from "./native-expiry-store.js";

const secret = "a secret of at least sixteen bytes";
const bytes = (...values: number[]) => new Uint8Array(values);

describe("hashedIds", () => {
  it("hands the backend only the HMAC-SHA-256 of each id, never the id", async () => {
    const inner = new MapStore();
    const store = hashedIds(inner, { secret });
    const id = "live-session-id-0123456789";
    await store.store(id, bytes(1, 2, 3), 60_000);
    expect(await store.load(id)).toEqual(bytes(1, 2, 3));
    expect(await store.touch(id, 60_000)).toBe(true);
    expect(await store.remove(id)).toBe(true);

    const expected = createHmac("sha256", secret).update(id, "utf8").digest("hex");
    expect(inner.seenIds).toEqual([expected, expected, expected, expected]);
    expect(inner.seenIds.join()).not.toContain(id);
  });

  it("matches the RFC 4231 HMAC-SHA-256 test vector", () => {
    const hash = createIdHasher({ secret: new Uint8Array(20).fill(0x0b) });
    expect(hash("Hi There")).toBe("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  });

  it("writes base64url when asked: 43 characters of [A-Za-z0-9_-]", async () => {
    const inner = new MapStore();
    await hashedIds(inner, { secret, encoding: "base64url" }).store("id", bytes(1), 60_000);
    expect(inner.seenIds[0]).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("maps different secrets to different keys and ignores later changes to the secret array", async () => {
    const key = new Uint8Array(32).fill(7);
    const hash = createIdHasher({ secret: key });
    const before = hash("id");
    key.fill(8);
    expect(hash("id")).toBe(before);
    expect(createIdHasher({ secret: key })("id")).not.toBe(before);
  });

  it("keeps distinct ids distinct, including ids that differ only in normalization", async () => {
    const store = hashedIds(new MapStore(), { secret });
    // "é" precomposed and decomposed are different ids: hashing the UTF-8 bytes keeps them apart.
    await store.store("caf\u00e9", bytes(1), 60_000);
    await store.store("cafe\u0301", bytes(2), 60_000);
    expect(await store.load("caf\u00e9")).toEqual(bytes(1));
    expect(await store.load("cafe\u0301")).toEqual(bytes(2));
  });

  it("accepts a 512-byte id and gives the backend a 64-character key", async () => {
    const inner = new MapStore();
    const id = "\u{1F600}".repeat(128); // 4 bytes each in UTF-8
    const store = hashedIds(inner, { secret });
    await store.store(id, bytes(9), 60_000);
    expect(await store.load(id)).toEqual(bytes(9));
    expect(inner.seenIds[0]).toHaveLength(64);
  });

  it.each([
    ["an empty id", "", RangeError],
    ["a NUL character", "a\0b", RangeError],
    ["a lone surrogate", "a\uD800b", RangeError],
    ["513 UTF-8 bytes", "x".repeat(513), RangeError],
    ["a number", 42, TypeError],
    ["undefined", undefined, TypeError],
  ])("refuses %s on the original id before the backend sees anything", async (_what, id, type) => {
    const inner = new MapStore();
    const store = hashedIds(inner, { secret });
    const badId = id as string;
    await expect(store.load(badId)).rejects.toThrow(type);
    await expect(store.store(badId, bytes(1), 1000)).rejects.toThrow(type);
    await expect(store.remove(badId)).rejects.toThrow(type);
    await expect(store.touch(badId, 1000)).rejects.toThrow(type);
    expect(inner.seenIds).toEqual([]);
  });

  it("refuses bad data and TTLs before the backend sees anything", async () => {
    const inner = new MapStore();
    const store = hashedIds(inner, { secret });
    await expect(store.store("id", "text" as unknown as Uint8Array, 1000)).rejects.toThrow(TypeError);
    await expect(store.store("id", bytes(1), 0)).rejects.toThrow(RangeError);
    await expect(store.touch("id", Number.NaN)).rejects.toThrow(RangeError);
    expect(inner.seenIds).toEqual([]);
  });

  it("refuses a missing or short secret and a bad encoding, without echoing the secret", () => {
    expect(() => hashedIds(new MapStore(), undefined as never)).toThrow(TypeError);
    expect(() => hashedIds(new MapStore(), { secret: 12345 as never })).toThrow(TypeError);
    expect(() => hashedIds(new MapStore(), { secret: "short-secret-15" })).toThrow(RangeError);
    expect(() => hashedIds(new MapStore(), { secret: "short-secret-15" })).not.toThrow(/short-secret/);
    expect(() => hashedIds(new MapStore(), { secret, encoding: "base64" as never })).toThrow(RangeError);
  });

  it("passes sweep and close through, and has no sweep when the wrapped store has none", async () => {
    const inner = new MapStore();
    const store = hashedIds(inner, { secret });
    await store.store("id", bytes(1), 1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await store.sweep()).toBe(1);
    await store.close();
    expect(inner.closed).toBe(true);
    await expect(store.load("id")).rejects.toThrow(/closed/);

    const native = hashedIds(nativeExpiryStore(), { secret });
    expect(native.sweep).toBeUndefined();
    expect(native.close).toBeUndefined();
  });
});
