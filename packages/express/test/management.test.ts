import { ManagedRecordingStore, RecordingStore, unmanaged } from "@session-store/bridge-test";
import { SessionStoreError } from "@session-store/core";
import type { ManagedSessionStore } from "@session-store/core";
import { ReferenceStore } from "@session-store/conformance/reference-store";
import type { SessionData } from "express-session";
import { describe, expect, it } from "vitest";
import { ExpressSessionStore } from "../src/index.js";
import { RecentSessions } from "../src/recent-sessions.js";

function call<T>(method: (callback: (error: unknown, value?: T) => void) => void): Promise<{ error: unknown; value: T | undefined }> {
  return new Promise((resolve) => method((error, value) => resolve({ error, value })));
}

function sessionExpiringIn(inMs: number, data: Record<string, unknown> = { user: "ada" }): SessionData {
  return { ...data, cookie: { expires: new Date(Date.now() + inMs), originalMaxAge: inMs } } as unknown as SessionData;
}

const owner = (session: SessionData) => (session as { user?: string }).user;

describe("ExpressSessionStore over a managed store", () => {
  it("destroy revokes: a later save of the same id writes nothing", async () => {
    const map = new ReferenceStore();
    const store = new ExpressSessionStore(map);
    await store.set("s", sessionExpiringIn(60_000));
    await store.destroy("s");
    expect(map.records.get("s")?.revoked).toBe(true);
    await expect(store.set("s", sessionExpiringIn(60_000))).resolves.toBeUndefined();
    expect(await store.get("s")).toBeNull();
  });

  it("over a store without management, destroy removes and the id can be stored again", async () => {
    const map = new ReferenceStore();
    const store = new ExpressSessionStore(unmanaged(map));
    await store.set("s", sessionExpiringIn(60_000));
    await store.destroy("s");
    expect(map.records.has("s")).toBe(false);
    await store.set("s", sessionExpiringIn(60_000));
    expect(await store.get("s")).toMatchObject({ user: "ada" });
  });

  it("get puts the store's expiry into cookie.expires", async () => {
    const map = new ReferenceStore();
    const store = new ExpressSessionStore(map);
    await store.set("s", sessionExpiringIn(1_000));
    await map.touch("s", 90_000);
    const session = (await store.get("s")) as unknown as { cookie: { expires: Date } };
    expect(session.cookie.expires).toBeInstanceOf(Date);
    expect(session.cookie.expires.getTime()).toBe(map.records.get("s")!.expiresAt);
  });

  it("files sessions under the owner option's answer, and none when it answers undefined", async () => {
    const map = new ReferenceStore();
    const store = new ExpressSessionStore(map, { owner });
    await store.set("a", sessionExpiringIn(60_000, { user: "ada" }));
    await store.set("b", sessionExpiringIn(60_000, {}));
    expect(map.records.get("a")?.owner).toBe("ada");
    expect(map.records.get("b")?.owner).toBeUndefined();
    const listed = await store.sessionsOf("ada");
    expect(listed).toEqual([{ id: "a", expiresAt: map.records.get("a")!.expiresAt, session: expect.objectContaining({ user: "ada" }) }]);
    expect(await store.sessionsOf("nobody")).toEqual([]);
  });

  it("checks the owner option and what it answers", async () => {
    expect(() => new ExpressSessionStore(new ReferenceStore(), { owner: "ada" as never })).toThrow(TypeError);
    expect(() => new ExpressSessionStore(unmanaged(new ReferenceStore()), { owner })).toThrow(/session management/);
    const answers: Array<[unknown, new (...args: never[]) => Error]> = [
      [42, TypeError],
      ["", RangeError],
      ["a\u0000b", RangeError],
    ];
    for (const [answer, kind] of answers) {
      const map = new ReferenceStore();
      const store = new ExpressSessionStore(map, { owner: () => answer as string });
      const { error } = await call((cb) => store.set("s", sessionExpiringIn(60_000), cb));
      expect(error, String(answer)).toBeInstanceOf(SessionStoreError);
      expect((error as Error).cause, String(answer)).toBeInstanceOf(kind);
      expect(map.records.has("s")).toBe(false);
    }
    const throwing = new ExpressSessionStore(new ReferenceStore(), {
      owner: () => {
        throw new Error("no user");
      },
    });
    await expect(throwing.set("s", sessionExpiringIn(60_000))).rejects.toBeInstanceOf(SessionStoreError);
  });

  it("signs out other devices and everywhere", async () => {
    const map = new ReferenceStore();
    const store = new ExpressSessionStore(map, { owner });
    for (const id of ["a1", "a2", "a3"]) await store.set(id, sessionExpiringIn(60_000, { user: "ada" }));
    await store.set("b1", sessionExpiringIn(60_000, { user: "bob" }));
    expect(await store.signOutOtherDevices("ada", "a1")).toBe(2);
    expect((await store.sessionsOf("ada")).map(({ id }) => id)).toEqual(["a1"]);
    expect(await store.signOutEverywhere("ada")).toBe(1);
    expect(await store.sessionsOf("ada")).toEqual([]);
    expect(await store.get("b1")).toMatchObject({ user: "bob" });
  });

  it("sessionsOf leaves out ids it cannot load (hashedIds' listed form) and sessions that do not decode", async () => {
    const map = new ReferenceStore();
    const store = new ExpressSessionStore(map, { owner });
    await store.set("a", sessionExpiringIn(60_000));
    await map.store("corrupt", new TextEncoder().encode("{nope"), 60_000, { owner: "ada" });
    const listing = Object.assign(Object.create(map) as ManagedSessionStore, {
      sessionsOf: async () => [...(await map.sessionsOf("ada")), { id: "\u0000hashed", expiresAt: Date.now() + 1_000 }],
    });
    const listed = await new ExpressSessionStore(listing).sessionsOf("ada");
    expect(listed.map(({ id }) => id)).toEqual(["a"]);
  });

  it("an unchanged save (as @fastify/session makes) touches instead of rewriting; a changed one stores", async () => {
    const map = new ReferenceStore();
    const recording = new ManagedRecordingStore(map);
    const store = new ExpressSessionStore(recording);
    await store.set("s", sessionExpiringIn(1_000, { user: "ada", n: 1 }));
    const loaded = (await store.get("s")) as unknown as Record<string, unknown>;
    recording.reset();
    await store.set("s", { ...loaded, cookie: { ...(loaded.cookie as object), expires: new Date(Date.now() + 90_000) } } as never);
    expect(recording.calls).toMatchObject({ touch: 1, store: 0 });
    expect(map.records.get("s")!.expiresAt).toBeGreaterThan(Date.now() + 80_000);

    await store.set("s", { ...loaded, n: 2 } as never);
    expect(recording.calls).toMatchObject({ touch: 1, store: 1 });
    // Back to the data get saw: it differs from what is stored now, so it is stored.
    await store.set("s", loaded as never);
    expect(recording.calls).toMatchObject({ touch: 1, store: 2 });
    expect(await store.get("s")).toMatchObject({ n: 1 });
  });

  it("over a store without management an unchanged save is stored (the cookie cannot learn the real expiry)", async () => {
    const recording = new RecordingStore(unmanaged(new ReferenceStore()));
    const store = new ExpressSessionStore(recording);
    await store.set("s", sessionExpiringIn(60_000));
    const loaded = await store.get("s");
    recording.reset();
    await store.set("s", loaded!);
    expect(recording.calls).toMatchObject({ touch: 0, store: 1 });
  });

  it("touchAfterMs skips touches that move the stored expiry by less", async () => {
    const recording = new ManagedRecordingStore(new ReferenceStore());
    const store = new ExpressSessionStore(recording, { touchAfterMs: 10_000 });
    await store.set("s", sessionExpiringIn(60_000));
    await store.get("s");
    recording.reset();
    await store.touch("s", sessionExpiringIn(65_000));
    expect(recording.calls.touch).toBe(0);
    await store.touch("s", sessionExpiringIn(75_000));
    expect(recording.calls.touch).toBe(1);
    await store.touch("s", sessionExpiringIn(80_000));
    expect(recording.calls.touch).toBe(1);
    // A session the bridge knows nothing of is touched.
    await new ExpressSessionStore(recording, { touchAfterMs: 10_000 }).touch("s", sessionExpiringIn(80_000));
    expect(recording.calls.touch).toBe(2);
  });

  it("all, length and clear; all refuses beyond listLimit", async () => {
    const map = new ReferenceStore();
    const store = new ExpressSessionStore(map, { listLimit: 3 });
    for (const id of ["a", "b", "c"]) await store.set(id, sessionExpiringIn(60_000, { user: id }));
    await map.store("corrupt", new TextEncoder().encode("{nope"), 60_000);
    await expect(store.all()).rejects.toThrow(/listLimit \(3\)/);
    await map.remove("corrupt");
    const all = (await store.all()) as unknown as Array<{ id: string; user: string }>;
    expect(all.map(({ id, user }) => [id, user])).toEqual([
      ["a", "a"],
      ["b", "b"],
      ["c", "c"],
    ]);
    expect(await call<number>((cb) => store.length(cb))).toEqual({ error: null, value: 3 });
    expect(await call<number>((cb) => store.clear(cb))).toEqual({ error: null, value: 3 });
    expect(await store.length()).toBe(0);
  });

  it("management over a store without it rejects with a clear error", async () => {
    const store = new ExpressSessionStore(unmanaged(new ReferenceStore()));
    const message = /needs a store with session management/;
    await expect(store.sessionsOf("ada")).rejects.toThrow(message);
    await expect(store.signOutOtherDevices("ada", "s")).rejects.toThrow(message);
    await expect(store.signOutEverywhere("ada")).rejects.toThrow(message);
    await expect(store.all()).rejects.toThrow(message);
    await expect(store.length()).rejects.toThrow(message);
    const { error } = await call((cb) => store.clear(cb));
    expect(error).toBeInstanceOf(SessionStoreError);
    expect(error).toMatchObject({ operation: "clear" });
  });

  it("checks touchAfterMs and listLimit", () => {
    expect(() => new ExpressSessionStore(new ReferenceStore(), { touchAfterMs: 0 })).toThrow(RangeError);
    expect(() => new ExpressSessionStore(new ReferenceStore(), { touchAfterMs: "1" as never })).toThrow(TypeError);
    expect(() => new ExpressSessionStore(new ReferenceStore(), { listLimit: 1.5 })).toThrow(RangeError);
  });
});

describe("the promise API", () => {
  it("every method returns a promise without a callback, and nothing with one", async () => {
    const store = new ExpressSessionStore(new ReferenceStore());
    await expect(store.set("s", sessionExpiringIn(60_000))).resolves.toBeUndefined();
    await expect(store.get("s")).resolves.toMatchObject({ user: "ada" });
    await expect(store.touch("s", sessionExpiringIn(60_000))).resolves.toBeUndefined();
    await expect(store.length()).resolves.toBe(1);
    await expect(store.all()).resolves.toHaveLength(1);
    await expect(store.destroy("s")).resolves.toBeUndefined();
    await expect(store.get("s")).resolves.toBeNull();
    await expect(store.clear()).resolves.toBe(0);
    expect(store.get("s", () => {})).toBeUndefined();
    expect(store.set("t", sessionExpiringIn(60_000), () => {})).toBeUndefined();
  });

  it("rejects with a SessionStoreError where the callback would get one", async () => {
    const map = new ReferenceStore();
    const store = new ExpressSessionStore(map);
    map.failure = new Error("connection refused");
    for (const promise of [store.get("s"), store.set("s", sessionExpiringIn(60_000)), store.destroy("s"), store.touch("s", sessionExpiringIn(1))]) {
      await expect(promise).rejects.toBeInstanceOf(SessionStoreError);
    }
    await expect(store.get("")).rejects.toMatchObject({ operation: "load", cause: expect.any(RangeError) });
  });
});

describe("RecentSessions", () => {
  it("keeps at most its limit, forgetting the oldest; a touch keeps the stored form", () => {
    const recent = new RecentSessions(2);
    const stored = { digest: "x", moving: {} };
    recent.remember("a", { expiresAt: 1, stored });
    recent.remember("b", { expiresAt: 2 });
    recent.touched("a", 4);
    recent.remember("c", { expiresAt: 3 });
    expect(recent.size).toBe(2);
    expect(recent.get("b")).toBeUndefined();
    expect(recent.get("a")).toEqual({ expiresAt: 4, stored });
  });
});
