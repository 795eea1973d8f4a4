import { randomBytes } from "node:crypto";
import { inspect } from "node:util";
import type { SessionStore } from "@session-store/core";
import { PostgresStore } from "@session-store/store-postgres";
import { RedisStore } from "@session-store/store-redis";
import { SqliteStore } from "@session-store/store-sqlite";
import { createIdHasher, encrypted, hashedIds } from "@session-store/core";
import { freePort, HOUR } from "@session-store/harness";
import { describe, expect, it } from "vitest";
import { backends, heldIds, open } from "./backends.js";
import { captureOutput } from "./capture-output.js";

const PASSWORD = "Pw-3x7q-DoNotLeak";
const DATA_MARKER = "SESSION-DATA-7f3a";
const ID_MARKER = "live-session-id-9c1e";

/** Table and schema names that would be SQL if they were interpolated. */
export const HOSTILE_IDENTIFIERS = [
  'sessions"; DROP TABLE sessions; --',
  "sessions'; DROP TABLE sessions; --",
  "public.sessions",
  "sessions;",
  '"sessions"',
  "sessions`",
  "sess ions",
  "sess-ions",
  "sessions\0",
  "sessions\n",
  "séssions",
  "1sessions",
  "",
  "x".repeat(64),
];

/** Ids that are syntax in SQL, globs, regexes, JSON or key patterns: all data here. */
const SYNTAX_IDS = [
  "'; DROP TABLE sessions; --",
  '" OR "1"="1',
  "1; DELETE FROM sessions",
  "%",
  "_",
  "a%b_c",
  "*",
  "?",
  "[a-z]",
  "sess:*",
  "\\",
  "\\*",
  ".*",
  "^$",
  "(a+)+$",
  "$1",
  '{"$gt":""}',
  '{"id": {"$ne": null}}',
  "[]",
  "null",
  "../../etc/passwd",
  "id with spaces ",
  " id",
  "line\nbreak",
  "A",
  "a",
  "\u00df",
  "ss",
  "\u00e9",
  "e\u0301",
  "\u{1F600}",
  "x".repeat(512),
];

/** Runs every operation and collects each rejection's message, name and stack, causes included. */
async function failuresOf(store: SessionStore): Promise<string[]> {
  const id = ID_MARKER;
  const data = new TextEncoder().encode(`${DATA_MARKER} user=alice`);
  const results = await Promise.allSettled([
    store.store(id, data, HOUR),
    store.load(id),
    store.touch(id, HOUR),
    store.remove(id),
    ...(store.sweep ? [store.sweep()] : []),
  ]);
  return results.map((result) => {
    expect(result.status).toBe("rejected");
    return describeError((result as PromiseRejectedResult).reason);
  });
}

/** The error as `console.error(error)` would log it: message, stack, own properties and every cause. */
function describeError(error: unknown): string {
  return inspect(error, { depth: 8 });
}

describe("SQL identifiers", () => {
  it.each(HOSTILE_IDENTIFIERS)("SqliteStore refuses table %j before touching the file", (table) => {
    expect(() => new SqliteStore({ path: ":memory:", table })).toThrow(RangeError);
  });
  it.each(HOSTILE_IDENTIFIERS)("PostgresStore refuses table %j and schema %j before connecting", (name) => {
    const connection = "postgres://nobody@127.0.0.1:1/none";
    expect(() => new PostgresStore({ connection, table: name })).toThrow(RangeError);
    expect(() => new PostgresStore({ connection, schema: name })).toThrow(RangeError);
  });
});

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`${backend.name} security${backend.skip ? ` (skipped: ${backend.skip})` : ""}`, () => {
    it("stores ids that look like SQL, globs, regexes and JSON verbatim, each apart from the others", async () => {
      const namespace = backend.newNamespace();
      const store = await open(backend, namespace);
      try {
        for (const [index, id] of SYNTAX_IDS.entries()) await store.store(id, new TextEncoder().encode(`#${index}`), HOUR);
        for (const [index, id] of SYNTAX_IDS.entries()) {
          expect(new TextDecoder().decode(await store.load(id)), JSON.stringify(id)).toBe(`#${index}`);
        }
        if (backend.name !== "memory") expect(new Set(await heldIds(backend, namespace))).toEqual(new Set(SYNTAX_IDS));
        // A pattern-matching remove or touch would reach other ids.
        expect(await store.remove("*")).toBe(true);
        expect(await store.remove("%")).toBe(true);
        expect(await store.touch("_", 1)).toBe(true);
        for (const id of SYNTAX_IDS.filter((id) => !["*", "%", "_"].includes(id))) {
          expect(await store.load(id), JSON.stringify(id)).toBeDefined();
        }
      } finally {
        await store.close?.();
      }
    });

    it("with hashedIds the backend holds only HMACs, and with encrypted no plaintext", async () => {
      const namespace = backend.newNamespace();
      const inner = await open(backend, namespace);
      const secret = randomBytes(32);
      const hash = createIdHasher({ secret });
      const store = encrypted(hashedIds(inner, { secret }), { keys: [new Uint8Array(randomBytes(32))] });
      try {
        await store.store(ID_MARKER, new TextEncoder().encode(DATA_MARKER), HOUR);
        expect(await inner.load(ID_MARKER)).toBeUndefined();
        const raw = await inner.load(hash(ID_MARKER));
        expect(raw).toBeDefined();
        expect(Buffer.from(raw!).includes(DATA_MARKER)).toBe(false);
        if (backend.name !== "memory") expect(await heldIds(backend, namespace)).toEqual([hash(ID_MARKER)]);
        expect(new TextDecoder().decode(await store.load(ID_MARKER))).toBe(DATA_MARKER);
      } finally {
        await store.close?.();
      }
    });

    it("after close, errors name the operation but carry neither the id nor the data", async () => {
      const store = await open(backend);
      await store.close?.();
      const { output, result } = await captureOutput(() => failuresOf(store));
      for (const text of [...result, output]) {
        expect(text).not.toContain(DATA_MARKER);
        expect(text).not.toContain(ID_MARKER);
      }
      expect(result.join()).toMatch(/closed/);
    });
  });
}

/** How to open each server store from a URL, and a URL it cannot parse. */
const credentialCases = [
  {
    name: "redis",
    open: (url: string, timeoutMs: number): SessionStore => new RedisStore({ url, timeoutMs }),
    url: (port: number) => `redis://app:${PASSWORD}@127.0.0.1:${port}/0`,
    malformed: `redis://app:${PASSWORD}@[::1:6379`,
  },
  {
    name: "postgres",
    open: (url: string, timeoutMs: number): SessionStore => new PostgresStore({ connection: url, timeoutMs }),
    url: (port: number) => `postgres://app:${PASSWORD}@127.0.0.1:${port}/test`,
    malformed: `postgres://app:${PASSWORD}@[::1:5432/test`,
  },
] as const;

const reachable = (name: string) => backends.find((backend) => backend.name === name)?.skip === undefined;

describe.each(credentialCases.filter((backend) => reachable(backend.name)))("$name credentials", (backend) => {
  it("a store pointed at a closed port with a password rejects without the password, the id or the data", async () => {
    const store = backend.open(backend.url(await freePort()), 500);
    try {
      const { output, result } = await captureOutput(() => failuresOf(store));
      for (const text of [...result, output]) {
        expect(text).not.toContain(PASSWORD);
        expect(text).not.toContain(DATA_MARKER);
        expect(text).not.toContain(ID_MARKER);
      }
      expect(result.join()).toMatch(/SessionStoreError/);
    } finally {
      await store.close?.();
    }
  });

  it("a malformed URL with a password is refused without the password, even when the error is logged whole", async () => {
    const { output, result } = await captureOutput(async () => {
      try {
        const store = backend.open(backend.malformed, 500);
        return [describeError(await store.load(ID_MARKER).catch((error: unknown) => error)), await store.close?.()].join();
      } catch (error) {
        return describeError(error);
      }
    });
    expect(result).toMatch(/TypeError|SessionStoreError/);
    expect(result + output).not.toContain(PASSWORD);
  });
});

describe.skipIf(!reachable("redis"))("redis credentials on a live server", () => {
  it("a wrong password on a live server rejects without the password", async () => {
    const url = new URL(backends.find((backend) => backend.name === "redis")!.url!);
    url.username = "nobody";
    url.password = PASSWORD;
    const store = new RedisStore({ url: url.toString(), timeoutMs: 1000 });
    try {
      const { output, result } = await captureOutput(() => failuresOf(store));
      for (const text of [...result, output]) expect(text).not.toContain(PASSWORD);
    } finally {
      await store.close();
    }
  });
});

describe.skipIf(!reachable("postgres"))("postgres credentials on a live server", () => {
  it("a database that does not exist, reached with a password, rejects without the password", async () => {
    const url = new URL(backends.find((backend) => backend.name === "postgres")!.url!);
    url.password = PASSWORD;
    url.pathname = `/no_such_db_${randomBytes(3).toString("hex")}`;
    const store = new PostgresStore({ connection: url.toString(), timeoutMs: 2000 });
    try {
      const { output, result } = await captureOutput(() => failuresOf(store));
      for (const text of [...result, output]) expect(text).not.toContain(PASSWORD);
      expect(result.join()).toMatch(/does not exist/);
    } finally {
      await store.close();
    }
  });
});
