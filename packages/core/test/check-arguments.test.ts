import { describe, expect, it } from "vitest";
import { checkArguments, checkIdentifier, MAX_TTL_MS } from "../src/adapter/index.js";

describe("checkArguments", () => {
  it("returns the ttl rounded up to a whole millisecond", () => {
    expect(checkArguments({ id: "a", ttlMs: 0.2 })).toBe(1);
    expect(checkArguments({ id: "a", ttlMs: 1000.0001 })).toBe(1001);
    expect(checkArguments({ id: "a", data: new Uint8Array(), ttlMs: 5 })).toBe(5);
    expect(checkArguments({ id: "a" })).toBeUndefined();
  });

  it("accepts the largest ttl and refuses the next", () => {
    expect(checkArguments({ id: "a", ttlMs: MAX_TTL_MS })).toBe(MAX_TTL_MS);
    expect(() => checkArguments({ id: "a", ttlMs: MAX_TTL_MS + 1 })).toThrow(RangeError);
  });

  it("accepts a well-formed surrogate pair and refuses a lone one", () => {
    expect(() => checkArguments({ id: "😀" })).not.toThrow();
    expect(() => checkArguments({ id: "\uD83D" })).toThrow(RangeError);
    expect(() => checkArguments({ id: "\uDE00\uD83D" })).toThrow(RangeError);
  });

  it("counts the id's length in UTF-8 bytes", () => {
    expect(() => checkArguments({ id: "€".repeat(170) })).not.toThrow(); // 510 bytes
    expect(() => checkArguments({ id: "€".repeat(171) })).toThrow(RangeError); // 513 bytes
  });

  it("never echoes the bad value in its message", () => {
    expect(() => checkArguments({ id: { secret: "hunter2" } })).toThrow(/got Object$/);
    expect(() => checkArguments({ id: "a", data: "session-secret" })).toThrow(/got string$/);
  });
});

describe("checkIdentifier", () => {
  it.each(["sessions", "_x", "S1", "a".repeat(63)])("accepts %s", (name) => {
    expect(checkIdentifier(name, "table")).toBe(name);
  });

  it.each(['a"b', "a.b", "a;b", "a b", "1a", "", "a".repeat(64), "ä", "a-b", "a\0"])("refuses %j", (name) => {
    expect(() => checkIdentifier(name, "table")).toThrow(RangeError);
  });

  it("refuses a non-string", () => {
    expect(() => checkIdentifier(42, "table")).toThrow(TypeError);
  });
});
