import { DEFAULT_REVOCATION_GRACE_MS } from "@session-store/core";
import type { ListedEntry } from "@session-store/core";
import { HOUR } from "@session-store/harness";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MemoryStore } from "../src/index.js";

const T0 = Date.UTC(2030, 0, 1);
const GRACE = 1_000;
const bytes = (label: string) => new TextEncoder().encode(label);

/** Freezes `Date.now()` at T0 (only Date: timers stay real), so expiry is exact. */
function freezeClock(): { advance(ms: number): void } {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(T0);
  let now = T0;
  return {
    advance(ms) {
      now += ms;
      vi.setSystemTime(now);
    },
  };
}

const open = () => new MemoryStore({ janitorIntervalMs: HOUR, revocationGraceMs: GRACE });

async function collect(entries: AsyncIterable<ListedEntry>): Promise<ListedEntry[]> {
  const all: ListedEntry[] = [];
  for await (const entry of entries) all.push(entry);
  return all;
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("entry and owners", () => {
  it("entry gives the data, the exact expiry and the owner", async () => {
    freezeClock();
    const store = open();
    expect(await store.store("a", bytes("a"), 5_000, { owner: "alice" })).toBe(true);
    await store.store("b", bytes("b"), 7_000);
    expect(await store.entry("a")).toEqual({ data: bytes("a"), expiresAt: T0 + 5_000, owner: "alice" });
    const unowned = await store.entry("b");
    expect(unowned).toEqual({ data: bytes("b"), expiresAt: T0 + 7_000 });
    expect(Object.keys(unowned!)).not.toContain("owner");
    expect(await store.entry("missing")).toBeUndefined();
    await store.close();
  });

  it("store replaces the owner (none, or a new one) and touch keeps it", async () => {
    freezeClock();
    const store = open();
    await store.store("s", bytes("1"), HOUR, { owner: "alice" });
    await store.touch("s", 2 * HOUR);
    expect((await store.entry("s"))?.owner).toBe("alice");
    await store.store("s", bytes("2"), HOUR, { owner: "bob" });
    expect(await store.sessionsOf("alice")).toEqual([]);
    expect(await store.sessionsOf("bob")).toEqual([{ id: "s", expiresAt: T0 + HOUR }]);
    await store.store("s", bytes("3"), HOUR);
    expect(await store.sessionsOf("bob")).toEqual([]);
    expect(store.owners).toBe(0);
    await store.close();
  });

  it("the owner index never keeps an ended session: expiry, remove, revoke, eviction, clear", async () => {
    const clock = freezeClock();
    const store = new MemoryStore({ janitorIntervalMs: HOUR, maxSessions: 100 });
    for (let i = 0; i < 100; i++) await store.store(`s${i}`, bytes("x"), 1_000 + i, { owner: `user${i % 10}` });
    expect(store.owners).toBe(10);
    await store.store("new", bytes("x"), HOUR); // evicts s0
    expect((await store.sessionsOf("user0")).map(({ id }) => id)).not.toContain("s0");
    for (let i = 1; i < 10; i++) await store.remove(`s${i * 10}`);
    await store.revoke("s1");
    clock.advance(2_000);
    expect(await store.sweep()).toBe(100 - 1 - 9 - 1 + 0);
    expect(store.owners).toBe(0);
    expect(await store.sessionsOf("user5")).toEqual([]);

    await store.store("again", bytes("x"), HOUR, { owner: "alice" });
    expect(await store.clear()).toBe(2);
    expect(store.owners).toBe(0);
    await store.close();
  });

  it("sessionsOf lists only live sessions, and deletes an expired one it meets", async () => {
    const clock = freezeClock();
    const store = open();
    await store.store("short", bytes("x"), 100, { owner: "alice" });
    await store.store("long", bytes("x"), HOUR, { owner: "alice" });
    await store.store("other", bytes("x"), HOUR, { owner: "bob" });
    clock.advance(100);
    expect(await store.sessionsOf("alice")).toEqual([{ id: "long", expiresAt: T0 + HOUR }]);
    expect(store.size).toBe(2);
    expect(await store.sessionsOf("nobody")).toEqual([]);
    await store.close();
  });

  it("removeSessionsOf revokes all but except, and counts only live ones", async () => {
    const clock = freezeClock();
    const store = open();
    for (const id of ["current", "laptop", "phone"]) await store.store(id, bytes("x"), HOUR, { owner: "alice" });
    await store.store("expired", bytes("x"), 10, { owner: "alice" });
    clock.advance(10);
    expect(await store.removeSessionsOf("alice", { except: "current" })).toBe(2);
    expect(await store.sessionsOf("alice")).toEqual([{ id: "current", expiresAt: T0 + HOUR }]);
    expect(await store.store("laptop", bytes("y"), HOUR)).toBe(false);
    // The expired one had nothing to keep dead.
    expect(await store.store("expired", bytes("y"), HOUR)).toBe(true);
    expect(await store.removeSessionsOf("alice")).toBe(1);
    expect(await store.removeSessionsOf("alice")).toBe(0);
    await store.close();
  });
});

describe("revoke", () => {
  it("keeps the id dead until the session would have expired, when that is after the grace", async () => {
    const clock = freezeClock();
    const store = open();
    await store.store("s", bytes("x"), 10_000);
    expect(await store.revoke("s")).toBe(true);
    expect(await store.load("s")).toBeUndefined();
    expect(await store.entry("s")).toBeUndefined();
    expect(await store.store("s", bytes("y"), HOUR)).toBe(false);
    expect(await store.touch("s", HOUR)).toBe(false);
    expect(await store.remove("s")).toBe(false);
    clock.advance(9_999);
    expect(await store.store("s", bytes("y"), HOUR)).toBe(false);
    clock.advance(1);
    expect(await store.store("s", bytes("y"), HOUR)).toBe(true);
    expect(await store.load("s")).toEqual(bytes("y"));
    await store.close();
  });

  it("keeps an absent or soon-expiring id dead for the grace", async () => {
    const clock = freezeClock();
    const store = open();
    await store.store("soon", bytes("x"), 10);
    expect(await store.revoke("soon")).toBe(true);
    expect(await store.revoke("absent")).toBe(false);
    clock.advance(GRACE - 1);
    expect(await store.store("soon", bytes("y"), HOUR)).toBe(false);
    expect(await store.store("absent", bytes("y"), HOUR)).toBe(false);
    clock.advance(1);
    expect(await store.store("soon", bytes("y"), HOUR)).toBe(true);
    expect(await store.store("absent", bytes("y"), HOUR)).toBe(true);
    await store.close();
  });

  it("revoking again keeps the later end", async () => {
    const clock = freezeClock();
    const store = open();
    await store.store("s", bytes("x"), 5_000);
    await store.revoke("s");
    clock.advance(100);
    expect(await store.revoke("s")).toBe(false); // now + grace is earlier than 5 000
    clock.advance(4_899);
    expect(await store.store("s", bytes("y"), HOUR)).toBe(false);
    expect(await store.revoke("s")).toBe(false); // now + grace is later: it wins
    clock.advance(GRACE - 1);
    expect(await store.store("s", bytes("y"), HOUR)).toBe(false);
    clock.advance(1);
    expect(await store.store("s", bytes("y"), HOUR)).toBe(true);
    await store.close();
  });

  it("defaults to DEFAULT_REVOCATION_GRACE_MS and refuses a bad grace", async () => {
    const clock = freezeClock();
    const store = new MemoryStore();
    await store.revoke("s");
    clock.advance(DEFAULT_REVOCATION_GRACE_MS - 1);
    expect(await store.store("s", bytes("y"), HOUR)).toBe(false);
    clock.advance(1);
    expect(await store.store("s", bytes("y"), HOUR)).toBe(true);
    await store.close();
    for (const revocationGraceMs of [0, -1, Number.NaN, Infinity]) {
      expect(() => new MemoryStore({ revocationGraceMs })).toThrow(RangeError);
    }
    expect(() => new MemoryStore({ revocationGraceMs: "1" as never })).toThrow(TypeError);
  });

  it("sweep deletes ended revocations and counts them; a live one stays", async () => {
    const clock = freezeClock();
    const store = open();
    await store.revoke("a");
    await store.store("b", bytes("x"), 5 * GRACE);
    await store.revoke("b");
    clock.advance(GRACE);
    expect(await store.sweep()).toBe(1);
    expect(await store.store("a", bytes("y"), HOUR)).toBe(true);
    expect(await store.store("b", bytes("y"), HOUR)).toBe(false);
    clock.advance(4 * GRACE);
    expect(await store.sweep()).toBe(1);
    expect(await store.sweep()).toBe(0);
    await store.close();
  });

  it("a revocation is neither counted in size nor evicted by maxSessions", async () => {
    freezeClock();
    const store = new MemoryStore({ janitorIntervalMs: HOUR, maxSessions: 2, revocationGraceMs: 10 });
    await store.revoke("dead"); // the soonest end of all
    await store.store("a", bytes("a"), HOUR);
    await store.store("b", bytes("b"), 2 * HOUR);
    expect(store.size).toBe(2);
    await store.store("c", bytes("c"), 3 * HOUR);
    expect(store.size).toBe(2);
    expect(await store.load("a")).toBeUndefined();
    expect(await store.store("dead", bytes("d"), HOUR)).toBe(false);
    await store.close();
  });
});

describe("entries, count, clear", () => {
  it("entries yields each live session once, with data, expiry and owner, never a revocation or an expired one", async () => {
    const clock = freezeClock();
    const store = open();
    for (let i = 0; i < 25; i++) await store.store(`s${i}`, bytes(`d${i}`), HOUR, i % 2 ? { owner: "alice" } : undefined);
    await store.store("expired", bytes("x"), 10);
    await store.revoke("s3");
    clock.advance(10);
    for (const batchSize of [1, 7, 1_000]) {
      const listed = await collect(store.entries({ batchSize }));
      expect(listed.map(({ id }) => id).sort()).toEqual(
        Array.from({ length: 25 }, (_, i) => `s${i}`)
          .filter((id) => id !== "s3")
          .sort(),
      );
      expect(listed.find(({ id }) => id === "s5")).toEqual({ id: "s5", data: bytes("d5"), expiresAt: T0 + HOUR, owner: "alice" });
      expect(Object.keys(listed.find(({ id }) => id === "s4")!)).not.toContain("owner");
    }
    expect(await store.count()).toBe(24);
    await store.close();
  });

  it("entries is lazy: sessions removed after the first item are not yielded", async () => {
    const store = open();
    for (let i = 0; i < 300; i++) await store.store(`s${i}`, bytes("x"), HOUR);
    const iterator = store.entries({ batchSize: 10 })[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.done).toBe(false);
    for (let i = 0; i < 300; i++) await store.remove(`s${i}`);
    let rest = 0;
    while (!(await iterator.next()).done) rest++;
    expect(rest).toBe(0);
    await store.close();
  });

  it("entries lets the event loop run between batches", async () => {
    const store = open();
    for (let i = 0; i < 100; i++) await store.store(`s${i}`, bytes("x"), HOUR);
    let turns = 0;
    let probing = true;
    const probe = () => {
      turns++;
      if (probing) setImmediate(probe);
    };
    setImmediate(probe);
    let listed = 0;
    for await (const _ of store.entries({ batchSize: 10 })) listed++;
    probing = false;
    expect(listed).toBe(100);
    expect(turns).toBeGreaterThanOrEqual(9);
    await store.close();
  });

  it("entries rejects bad options on the first next(), not on the call", async () => {
    const store = open();
    const listing = store.entries({ batchSize: 0 });
    await expect(listing[Symbol.asyncIterator]().next()).rejects.toThrow(RangeError);
    await expect(store.entries("x" as never)[Symbol.asyncIterator]().next()).rejects.toThrow(TypeError);
    await store.close();
  });

  it("clear removes every session and keeps revocations", async () => {
    const clock = freezeClock();
    const store = open();
    await store.store("a", bytes("a"), HOUR, { owner: "alice" });
    await store.store("b", bytes("b"), HOUR);
    await store.store("expired", bytes("x"), 10);
    await store.revoke("dead");
    clock.advance(10);
    expect(await store.clear()).toBe(2);
    expect(store.size).toBe(0);
    expect(await store.count()).toBe(0);
    expect(await store.sessionsOf("alice")).toEqual([]);
    expect(await store.store("dead", bytes("d"), HOUR)).toBe(false);
    expect(await store.store("a", bytes("a"), HOUR)).toBe(true);
    expect(await store.count()).toBe(1);
    await store.close();
  });

  it("count and clear over 200k sessions let the event loop in", async () => {
    const store = open();
    for (let i = 0; i < 200_000; i++) await store.store(`s${i}`, bytes("x"), HOUR);
    let turns = 0;
    const tick = setInterval(() => turns++, 0);
    const counted = await store.count();
    const cleared = await store.clear();
    clearInterval(tick);
    expect([counted, cleared]).toEqual([200_000, 200_000]);
    expect(turns).toBeGreaterThan(0);
    await store.close();
  });

  it("management calls after close reject", async () => {
    const store = open();
    await store.close();
    await expect(store.revoke("a")).rejects.toThrow(/closed/);
    await expect(store.count()).rejects.toThrow(/closed/);
    await expect(store.entries()[Symbol.asyncIterator]().next()).rejects.toThrow(/closed/);
    await expect(store.sessionsOf("")).rejects.toThrow(RangeError);
  });
});
