import { expect } from "vitest";
import { MAX_ID_BYTES, MAX_TTL_MS } from "@session-store/core";
import type { SessionStore } from "@session-store/core";
import { expectBytes } from "./expect-bytes.js";
import { dataFor, HOUR, newId } from "./support.js";
import type { Check, CheckContext } from "./types.js";

const topic = "arguments";

export type ErrorClass = typeof TypeError | typeof RangeError;

export const badIds: ReadonlyArray<[string, unknown, ErrorClass]> = [
  ["undefined", undefined, TypeError],
  ["null", null, TypeError],
  ["a number", 42, TypeError],
  ["an object", { id: "x" }, TypeError],
  ["a String object", new String("x"), TypeError],
  ["an empty string", "", RangeError],
  ["a NUL character", "a\0b", RangeError],
  ["a lone high surrogate", "a\uD800b", RangeError],
  ["a lone low surrogate", "\uDC00", RangeError],
  ["513 ASCII bytes", "a".repeat(MAX_ID_BYTES + 1), RangeError],
  ["513 bytes of UTF-8 in 2-byte characters", "é".repeat(256) + "a", RangeError],
];

const badData: ReadonlyArray<[string, unknown]> = [
  ["undefined", undefined],
  ["null", null],
  ["a string", "data"],
  ["an array of numbers", [1, 2, 3]],
  ["an ArrayBuffer", new ArrayBuffer(4)],
  ["a DataView", new DataView(new ArrayBuffer(4))],
  ["a Uint16Array", new Uint16Array(2)],
];

const badTtls: ReadonlyArray<[string, unknown, ErrorClass]> = [
  ["0", 0, RangeError],
  ["-1", -1, RangeError],
  ["-0.5", -0.5, RangeError],
  ["NaN", Number.NaN, RangeError],
  ["Infinity", Number.POSITIVE_INFINITY, RangeError],
  ["-Infinity", Number.NEGATIVE_INFINITY, RangeError],
  ["more than the maximum", MAX_TTL_MS * 2, RangeError],
  ["a numeric string", "1000", TypeError],
  ["null", null, TypeError],
  ["undefined", undefined, TypeError],
  ["a bigint", 1000n, TypeError],
];

/** Calls an operation with arguments of any type, as untyped JavaScript callers do. */
function call(store: SessionStore, operation: "load" | "store" | "remove" | "touch", ...args: unknown[]): Promise<unknown> {
  const method = store[operation] as (...args: unknown[]) => Promise<unknown>;
  let result: Promise<unknown> | undefined;
  expect(() => {
    result = method.apply(store, args);
  }, `${operation} must reject, not throw synchronously`).not.toThrow();
  return result as Promise<unknown>;
}

/** Asserts the backend holds nothing under `id`, through the store and through inspect. */
async function expectNothingStored(context: CheckContext, store: SessionStore, id: string): Promise<void> {
  expect(await store.load(id)).toBeUndefined();
  if (context.canInspect) expect(await context.inspect(store, id)).toBeUndefined();
}

export const argumentChecks: Check[] = [
  {
    topic,
    name: "a bad id rejects every operation with TypeError or RangeError",
    async run(context) {
      const store = await context.open();
      for (const [what, id, errorClass] of badIds) {
        for (const args of [["load", id], ["store", id, dataFor("x"), HOUR], ["remove", id], ["touch", id, HOUR]] as const) {
          const [operation, ...rest] = args;
          await expect(call(store, operation, ...rest), `${operation} with ${what}`).rejects.toThrow(errorClass);
        }
      }
    },
  },
  {
    topic,
    name: "data that is not a Uint8Array rejects with TypeError and writes nothing",
    async run(context) {
      const store = await context.open();
      const id = newId();
      for (const [what, data] of badData) {
        await expect(call(store, "store", id, data, HOUR), `store with ${what}`).rejects.toThrow(TypeError);
      }
      await expectNothingStored(context, store, id);
    },
  },
  {
    topic,
    name: "a bad ttl rejects store with TypeError or RangeError and writes nothing",
    async run(context) {
      const store = await context.open();
      const id = newId();
      for (const [what, ttl, errorClass] of badTtls) {
        await expect(call(store, "store", id, dataFor(id), ttl), `store with ttl ${what}`).rejects.toThrow(errorClass);
      }
      await expectNothingStored(context, store, id);
    },
  },
  {
    topic,
    name: "a bad ttl rejects touch and leaves the session as it was",
    async run(context) {
      const store = await context.open();
      const id = newId();
      await store.store(id, dataFor(id), HOUR);
      const before = context.canInspect ? await context.inspect(store, id) : undefined;
      for (const [what, ttl, errorClass] of badTtls) {
        await expect(call(store, "touch", id, ttl), `touch with ttl ${what}`).rejects.toThrow(errorClass);
      }
      expectBytes(await store.load(id), dataFor(id));
      if (before) {
        const after = await context.inspect(store, id);
        expect(after?.expiresInMs).toBeLessThanOrEqual(before.expiresInMs);
        expect(after?.expiresInMs).toBeGreaterThan(HOUR - 60_000);
      }
    },
  },
  {
    topic,
    name: "ids of exactly 512 UTF-8 bytes are accepted",
    async run(context) {
      const store = await context.open();
      const ids = ["a".repeat(MAX_ID_BYTES), "é".repeat(MAX_ID_BYTES / 2), "😀".repeat(MAX_ID_BYTES / 4)];
      for (const id of ids) {
        await store.store(id, dataFor(id), HOUR);
        expectBytes(await store.load(id), dataFor(id));
      }
    },
  },
  {
    topic,
    name: "characters that are syntax elsewhere are stored verbatim as data",
    async run(context) {
      const store = await context.open();
      const suffix = newId();
      const ids = [
        "a%", "a_", "ab", "a*", "a?", "a[b]", "a[!b]", "a\\", "a.", "a.*", "^a$", "a|b", "(a)", "a{1}",
        "'", '"', "''", "' OR '1'='1", "--", "/* */", "; DROP TABLE sessions; --", "\\x00",
        "%00", "%", "_", "*", "?", "[", " ", "  ", "a b", "\n", "\r\n", "\t", "a\u00A0", "a\u2028",
        "😀", "𝄞", "中文", "e\u0301", "\u00E9", "ABC", "abc", "a ", " a",
        '{"$gt":""}', "$where", "a:b", "sess:", "::", "{a}", "a}{", "..", "/", "~", "NULL", "null", "undefined",
      ].map((id) => `${id}${suffix}`);
      const withoutSuffix = ["a", "A", "%", "_", "*", " ", "sess:x"];
      const all = [...ids, ...withoutSuffix];
      for (const id of all) await store.store(id, dataFor(id), HOUR);
      for (const id of all) expectBytes(await store.load(id), dataFor(id), `data of id ${JSON.stringify(id)}`);
      expect(await store.remove(`a%${suffix}`)).toBe(true);
      expect(await store.remove(`*${suffix}`)).toBe(true);
      expect(await store.remove("%")).toBe(true);
      for (const id of all.filter((id) => id !== `a%${suffix}` && id !== `*${suffix}` && id !== "%")) {
        expectBytes(await store.load(id), dataFor(id), `data of id ${JSON.stringify(id)} after removing look-alikes`);
      }
    },
  },
];
