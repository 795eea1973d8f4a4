import { EventEmitter } from "node:events";
import { SessionStoreError } from "@session-store/core";
import type { SessionData } from "express-session";
import session from "express-session";
import { describe, expect, it } from "vitest";
import { DEFAULT_TTL_MS, ExpressSessionStore } from "../src/index.js";
import { storeBase } from "../src/store-base.js";
import { sessionTtl } from "../src/ttl.js";
import { ReferenceStore as MapStore } from "@session-store/conformance/reference-store";

/** Calls a callback-style store method and resolves what it called back with. */
function call<T>(method: (callback: (error: unknown, value?: T) => void) => void): Promise<{ error: unknown; value: T | undefined }> {
  return new Promise((resolve) => method((error, value) => resolve({ error, value })));
}

/** A session as the frameworks hand it over, with a cookie expiring in `inMs`. */
function sessionExpiringIn(inMs: number, data: Record<string, unknown> = { user: "ada" }): SessionData {
  return { ...data, cookie: { expires: new Date(Date.now() + inMs), originalMaxAge: inMs } } as unknown as SessionData;
}

const bytes = (text: string) => new TextEncoder().encode(text);

describe("ExpressSessionStore", () => {
  it("stores the session as JSON for as long as its cookie lives", async () => {
    const map = new MapStore();
    const store = new ExpressSessionStore(map);
    const before = Date.now();
    const { error } = await call((cb) => store.set("s1", sessionExpiringIn(60_000), cb));
    expect(error).toBeNull();

    const entry = map.records.get("s1");
    expect(JSON.parse(new TextDecoder().decode(entry?.data))).toMatchObject({ user: "ada" });
    expect(entry?.expiresAt).toBeGreaterThanOrEqual(before + 60_000 - 1);
    expect(entry?.expiresAt).toBeLessThanOrEqual(Date.now() + 60_000);

    const { value } = await call<SessionData | null>((cb) => store.get("s1", cb));
    expect(value).toMatchObject({ user: "ada", cookie: { originalMaxAge: 60_000 } });
  });

  it("keeps a session with a browser-session cookie for the default ttl, or the ttlMs option", async () => {
    const map = new MapStore();
    const noExpiry = { cookie: { expires: null, originalMaxAge: null } } as unknown as SessionData;
    await call((cb) => new ExpressSessionStore(map).set("default", noExpiry, cb));
    await call((cb) => new ExpressSessionStore(map, { ttlMs: 5_000 }).set("option", noExpiry, cb));
    const now = Date.now();
    expect(map.records.get("default")!.expiresAt - now).toBeGreaterThan(DEFAULT_TTL_MS - 1_000);
    expect(map.records.get("option")!.expiresAt - now).toBeGreaterThan(4_000);
    expect(map.records.get("option")!.expiresAt - now).toBeLessThanOrEqual(5_000);
  });

  it("removes the session when set or touched with a cookie that has already expired", async () => {
    const map = new MapStore();
    const store = new ExpressSessionStore(map);
    await call((cb) => store.set("a", sessionExpiringIn(60_000), cb));
    await call((cb) => store.set("b", sessionExpiringIn(60_000), cb));

    expect((await call((cb) => store.set("a", sessionExpiringIn(-1), cb))).error).toBeNull();
    expect((await call((cb) => store.touch("b", sessionExpiringIn(0), cb))).error).toBeNull();
    expect(map.records.has("a")).toBe(false);
    expect(map.records.has("b")).toBe(false);
  });

  it("touch moves the expiry without rewriting the data, and never revives a session", async () => {
    const map = new MapStore();
    const store = new ExpressSessionStore(map);
    await call((cb) => store.set("s", sessionExpiringIn(1_000), cb));
    const data = map.records.get("s")!.data;

    expect((await call((cb) => store.touch("s", sessionExpiringIn(90_000, { user: "eve" }), cb))).error).toBeNull();
    expect(map.records.get("s")!.data).toBe(data);
    expect(map.records.get("s")!.expiresAt).toBeGreaterThan(Date.now() + 80_000);

    expect((await call((cb) => store.touch("gone", sessionExpiringIn(90_000), cb))).error).toBeNull();
    expect(map.records.has("gone")).toBe(false);
  });

  it("destroy removes the session", async () => {
    const map = new MapStore();
    const store = new ExpressSessionStore(map);
    await call((cb) => store.set("s", sessionExpiringIn(60_000), cb));
    expect((await call((cb) => store.destroy("s", cb))).error).toBeNull();
    expect((await call((cb) => store.destroy("never-was", cb))).error).toBeNull();
    expect((await call<SessionData | null>((cb) => store.get("s", cb))).value).toBeNull();
  });

  it("uses the serializer option both ways", async () => {
    const map = new MapStore();
    const serializer = {
      stringify: (value: unknown) => `v1:${JSON.stringify(value)}`,
      parse: (text: string) => JSON.parse(text.slice("v1:".length)) as unknown,
    };
    const store = new ExpressSessionStore(map, { serializer });
    await call((cb) => store.set("s", sessionExpiringIn(60_000), cb));
    expect(new TextDecoder().decode(map.records.get("s")!.data)).toMatch(/^v1:\{/);
    expect((await call<SessionData | null>((cb) => store.get("s", cb))).value).toMatchObject({ user: "ada" });
  });

  it("reads a stored entry that does not decode to a session as no session", async () => {
    const map = new MapStore();
    const store = new ExpressSessionStore(map);
    const corrupt = { json: bytes("{not json"), number: bytes("42"), array: bytes("[1]"), null: bytes("null") };
    for (const [id, data] of Object.entries(corrupt)) await map.store(id, data, 60_000);
    await map.store("utf8", new Uint8Array([0x7b, 0xff, 0x7d]), 60_000);

    for (const id of [...Object.keys(corrupt), "utf8"]) {
      expect(await call((cb) => store.get(id, cb)), id).toEqual({ error: null, value: null });
    }
  });

  it("passes backend failures to the callback as SessionStoreError, never throwing", async () => {
    const map = new MapStore();
    const store = new ExpressSessionStore(map);
    map.failure = new Error("connection refused");
    const results = [
      await call((cb) => store.get("s", cb)),
      await call((cb) => store.set("s", sessionExpiringIn(60_000), cb)),
      await call((cb) => store.set("s", sessionExpiringIn(-1), cb)),
      await call((cb) => store.destroy("s", cb)),
      await call((cb) => store.touch("s", sessionExpiringIn(60_000), cb)),
    ];
    for (const { error } of results) {
      expect(error).toBeInstanceOf(SessionStoreError);
      expect((error as SessionStoreError).cause).toBeInstanceOf(Error);
    }
  });

  it("reports a bad id as a SessionStoreError with the operation, through the callback", async () => {
    const store = new ExpressSessionStore(new MapStore());
    const { error } = await call((cb) => store.get("", cb));
    expect(error).toBeInstanceOf(SessionStoreError);
    expect(error).toMatchObject({ backend: "express", operation: "load" });
    expect((error as Error).cause).toBeInstanceOf(RangeError);
  });

  it("reports a session the serializer cannot encode without quoting it", async () => {
    const map = new MapStore();
    const store = new ExpressSessionStore(map);
    const circular = sessionExpiringIn(60_000, { secretValue: "hunter2" }) as unknown as Record<string, unknown>;
    circular.self = circular;
    const { error } = await call((cb) => store.set("s", circular as unknown as SessionData, cb));
    expect(error).toBeInstanceOf(SessionStoreError);
    expect((error as Error).message).toBe("express store: store failed: the serializer could not encode the session");
    expect((error as Error).cause).toBeInstanceOf(TypeError);
    expect(map.records.has("s")).toBe(false);
  });

  it("is an express-session Store", () => {
    const store = new ExpressSessionStore(new MapStore());
    expect(store).toBeInstanceOf(session.Store);
    expect(typeof store.createSession).toBe("function");
  });

  it("checks its arguments", () => {
    expect(() => new ExpressSessionStore({} as never)).toThrow(TypeError);
    expect(() => new ExpressSessionStore(new MapStore(), { ttlMs: 0 })).toThrow(RangeError);
    expect(() => new ExpressSessionStore(new MapStore(), { ttlMs: Number.NaN })).toThrow(RangeError);
    expect(() => new ExpressSessionStore(new MapStore(), { serializer: { stringify: JSON.stringify } as never })).toThrow(
      TypeError,
    );
  });
});

describe("sessionTtl", () => {
  const now = 1_000_000;
  it("counts down to cookie.expires as a Date or a string, else uses maxAge, else the default", () => {
    expect(sessionTtl({ cookie: { expires: new Date(now + 500) } }, 9, now)).toBe(500);
    expect(sessionTtl({ cookie: { expires: new Date(now + 500).toISOString() } }, 9, now)).toBe(500);
    expect(sessionTtl({ cookie: { expires: new Date(now - 1) } }, 9, now)).toBe(-1);
    expect(sessionTtl({ cookie: { expires: "not a date", maxAge: 700 } }, 9, now)).toBe(700);
    expect(sessionTtl({ cookie: { expires: null, maxAge: null } }, 9, now)).toBe(9);
    expect(sessionTtl({ cookie: { expires: false } }, 9, now)).toBe(9);
    expect(sessionTtl({}, 9, now)).toBe(9);
    expect(sessionTtl(null, 9, now)).toBe(9);
  });
});

describe("storeBase", () => {
  it("falls back to EventEmitter when express-session is not installed", () => {
    const missing = () => {
      throw Object.assign(new Error("Cannot find module 'express-session'"), { code: "MODULE_NOT_FOUND" });
    };
    expect(storeBase(missing)).toBe(EventEmitter);
  });

  it("uses express-session's Store when it is installed, and does not hide its load errors", () => {
    expect(storeBase()).toBe(session.Store);
    const broken = () => {
      throw new SyntaxError("Unexpected token");
    };
    expect(() => storeBase(broken)).toThrow(SyntaxError);
  });
});
