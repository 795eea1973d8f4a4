import { describe, expect, it } from "vitest";
import {
  checkEntriesOptions,
  checkRemoveSessionsOf,
  checkRevocationGrace,
  DEFAULT_ENTRIES_BATCH_SIZE,
  DEFAULT_REVOCATION_GRACE_MS,
  MAX_ENTRIES_BATCH_SIZE,
} from "../src/adapter/index.js";
import type { SessionStore } from "../src/index.js";
import { isManaged } from "../src/index.js";

describe("checkRemoveSessionsOf", () => {
  it("returns the owner and the id to keep", () => {
    expect(checkRemoveSessionsOf("ada", undefined)).toEqual({ owner: "ada", except: undefined });
    expect(checkRemoveSessionsOf("ada", {})).toEqual({ owner: "ada", except: undefined });
    expect(checkRemoveSessionsOf("ada", { except: "s1" })).toEqual({ owner: "ada", except: "s1" });
  });

  it("holds owner and except to the rules of an id, naming which is wrong", () => {
    expect(() => checkRemoveSessionsOf("", undefined)).toThrow(/owner must not be empty/);
    expect(() => checkRemoveSessionsOf("ada", { except: "a\0b" })).toThrow(/except must not contain a NUL/);
    expect(() => checkRemoveSessionsOf("ada", { except: 7 })).toThrow(TypeError);
    expect(() => checkRemoveSessionsOf("ada", "s1")).toThrow(TypeError);
  });
});

describe("checkEntriesOptions", () => {
  it("defaults the batch size and keeps a given one", () => {
    expect(checkEntriesOptions(undefined)).toBe(DEFAULT_ENTRIES_BATCH_SIZE);
    expect(checkEntriesOptions({ batchSize: 1 })).toBe(1);
    expect(checkEntriesOptions({ batchSize: MAX_ENTRIES_BATCH_SIZE })).toBe(MAX_ENTRIES_BATCH_SIZE);
  });

  it.each([0, -1, 1.5, Number.NaN, MAX_ENTRIES_BATCH_SIZE + 1])("refuses batchSize %s with a RangeError", (batchSize) => {
    expect(() => checkEntriesOptions({ batchSize })).toThrow(RangeError);
  });

  it("refuses a wrong type with a TypeError", () => {
    expect(() => checkEntriesOptions({ batchSize: "10" })).toThrow(TypeError);
    expect(() => checkEntriesOptions(10)).toThrow(TypeError);
  });
});

describe("checkRevocationGrace", () => {
  it("defaults to 60 s, rounds a fraction up, refuses zero", () => {
    expect(checkRevocationGrace(undefined)).toBe(DEFAULT_REVOCATION_GRACE_MS);
    expect(DEFAULT_REVOCATION_GRACE_MS).toBe(60_000);
    expect(checkRevocationGrace(0.5)).toBe(1);
    expect(() => checkRevocationGrace(0)).toThrow(RangeError);
    expect(() => checkRevocationGrace("1s")).toThrow(TypeError);
  });
});

describe("isManaged", () => {
  const basic: SessionStore = {
    load: () => Promise.resolve(undefined),
    store: () => Promise.resolve(true),
    remove: () => Promise.resolve(false),
    touch: () => Promise.resolve(false),
  };

  it("is false for a store with only the core interface, or with part of management", () => {
    expect(isManaged(basic)).toBe(false);
    expect(isManaged({ ...basic, entry: () => Promise.resolve(undefined) } as SessionStore)).toBe(false);
  });

  it("is true when every management method is there", () => {
    const managed = {
      ...basic,
      entry: () => Promise.resolve(undefined),
      sessionsOf: () => Promise.resolve([]),
      removeSessionsOf: () => Promise.resolve(0),
      revoke: () => Promise.resolve(false),
      entries: async function* () {},
      count: () => Promise.resolve(0),
      clear: () => Promise.resolve(0),
    };
    expect(isManaged(managed)).toBe(true);
  });
});
