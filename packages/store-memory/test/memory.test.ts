import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import FlatQueue from "flatqueue";
import { SessionStoreError } from "@session-store/core";
import { HOUR } from "@session-store/harness";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MemoryStore } from "../src/index.js";
import { Entry } from "../src/entry.js";
import { ExpiryQueue } from "../src/expiry-queue.js";

const T0 = Date.UTC(2030, 0, 1);
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

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("janitor cost", () => {
  it("a sweep over 100k live and 10 expired sessions pops only the 10 expired from the heap", async () => {
    const clock = freezeClock();
    const store = new MemoryStore();
    for (let i = 0; i < 100_000; i++) await store.store(`live-${i}`, bytes("x"), HOUR);
    for (let i = 0; i < 10; i++) await store.store(`short-${i}`, bytes("y"), 1_000);
    clock.advance(1_000);
    const pop = vi.spyOn(FlatQueue.prototype, "pop");

    expect(await store.sweep()).toBe(10);

    expect(pop).toHaveBeenCalledTimes(10);
    expect(store.size).toBe(100_000);
    expect(await store.load("live-99999")).toEqual(bytes("x"));
    await store.close();
  });

  it("a touched session is re-queued once at its new expiry, not deleted", async () => {
    const clock = freezeClock();
    const store = new MemoryStore();
    await store.store("rolling", bytes("r"), 1_000);
    await store.store("gone", bytes("g"), 1_000);
    await store.touch("rolling", HOUR);
    clock.advance(1_000);

    expect(await store.sweep()).toBe(1);
    expect(await store.load("rolling")).toEqual(bytes("r"));
    clock.advance(HOUR);
    expect(await store.sweep()).toBe(1);
    expect(store.size).toBe(0);
    await store.close();
  });

  it("removed sessions do not pile up in the heap", () => {
    const entries = new Map<string, Entry>();
    const queue = new ExpiryQueue(entries);
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 1_000; i++) {
        const entry = new Entry(`${round}-${i}`, bytes("z"), T0 + HOUR);
        entries.set(entry.id, entry);
        queue.compactIfSparse();
        queue.schedule(entry);
      }
      entries.clear(); // what remove() does, for every session of the round
    }
    // 50 000 were queued; only the last round's are still stored.
    expect(queue.length).toBeLessThanOrEqual(2 * 1_000 + 1_024);
  });
});

describe("janitor timer", () => {
  it("deletes expired sessions on its own", async () => {
    const store = new MemoryStore({ janitorIntervalMs: 20 });
    await store.store("a", bytes("a"), 1);
    const deadline = Date.now() + 10_000;
    while (store.size > 0 && Date.now() < deadline) await sleep(10);
    expect(store.size).toBe(0);
    await store.close();
  });

  it("runs repeatedly until close() stops it", async () => {
    const sweep = vi.spyOn(MemoryStore.prototype, "sweep");
    const store = new MemoryStore({ janitorIntervalMs: 5 });
    const deadline = Date.now() + 10_000;
    while (sweep.mock.calls.length < 2 && Date.now() < deadline) await sleep(5);
    expect(sweep.mock.calls.length).toBeGreaterThanOrEqual(2);

    await store.close();
    const runs = sweep.mock.calls.length;
    await sleep(100); // twenty intervals: a live timer would have run again
    expect(sweep.mock.calls.length).toBe(runs);
  });

  it("keeps no timer that holds the event loop open", async () => {
    const liveTimers = () => process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;
    const before = liveTimers();
    const store = new MemoryStore({ janitorIntervalMs: 50 });
    expect(liveTimers()).toBe(before);
    await store.close();
  });

  it("is unref'd: a process holding an open store exits by itself", async () => {
    const script = [
      `import { MemoryStore } from "@session-store/store-memory";`,
      `const store = new MemoryStore({ janitorIntervalMs: 50 });`,
      `await store.store("a", new Uint8Array([1]), 60_000);`,
    ].join("\n");
    const packageDir = fileURLToPath(new URL("..", import.meta.url));
    // Uses the built package (dist/): run `pnpm --filter @session-store/store-memory build` first.
    const child = promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], {
      cwd: packageDir,
      timeout: 15_000,
    });
    await expect(child).resolves.toMatchObject({ stderr: "" });
  });
});

describe("maxSessions", () => {
  it("evicts the session that expires soonest", async () => {
    freezeClock();
    const store = new MemoryStore({ maxSessions: 3 });
    await store.store("a", bytes("a"), 3_000);
    await store.store("b", bytes("b"), 1_000);
    await store.store("c", bytes("c"), 2_000);

    await store.store("d", bytes("d"), 4_000);
    expect(await present(store, ["a", "b", "c", "d"])).toEqual(["a", "c", "d"]);
    await store.store("e", bytes("e"), 5_000);
    expect(await present(store, ["a", "c", "d", "e"])).toEqual(["a", "d", "e"]);
    expect(store.size).toBe(3);
    await store.close();
  });

  it("counts a touch: an extended session outlives one that now expires sooner", async () => {
    freezeClock();
    const store = new MemoryStore({ maxSessions: 2 });
    await store.store("old", bytes("o"), 100);
    await store.store("mid", bytes("m"), 5_000);
    await store.touch("old", 10_000);

    await store.store("new", bytes("n"), 1_000);
    expect(await present(store, ["old", "mid", "new"])).toEqual(["old", "new"]);
    await store.close();
  });

  it("counts a touch that shortens the expiry", async () => {
    freezeClock();
    const store = new MemoryStore({ maxSessions: 2 });
    await store.store("a", bytes("a"), 10_000);
    await store.store("b", bytes("b"), 5_000);
    await store.touch("a", 100);

    await store.store("c", bytes("c"), 1_000);
    expect(await present(store, ["a", "b", "c"])).toEqual(["b", "c"]);
    await store.close();
  });

  it("evicts an expired session before any live one", async () => {
    const clock = freezeClock();
    const store = new MemoryStore({ maxSessions: 2 });
    await store.store("live", bytes("l"), 5_000);
    await store.store("expired", bytes("x"), 100);
    clock.advance(200);

    await store.store("new", bytes("n"), 50);
    expect(await present(store, ["live", "new"])).toEqual(["live", "new"]);
    expect(store.size).toBe(2);
    await store.close();
  });

  it("replacing or touching a stored id evicts nothing", async () => {
    freezeClock();
    const store = new MemoryStore({ maxSessions: 2 });
    await store.store("a", bytes("a"), 1_000);
    await store.store("b", bytes("b"), 2_000);
    await store.store("a", bytes("a2"), 3_000);
    await store.touch("b", 4_000);
    expect(await present(store, ["a", "b"])).toEqual(["a", "b"]);
    expect(await store.load("a")).toEqual(bytes("a2"));
    await store.close();
  });

  it("never holds more than the bound", async () => {
    const store = new MemoryStore({ maxSessions: 10 });
    for (let i = 0; i < 1_000; i++) await store.store(`s${i}`, bytes("s"), HOUR + i);
    expect(store.size).toBe(10);
    // Longest TTLs were stored last and expire last: they are the ones kept.
    expect(await store.load("s999")).toEqual(bytes("s"));
    expect(await store.load("s989")).toBeUndefined();
    await store.close();
  });
});

describe("options", () => {
  it.each([0, -1, 1.5, Number.NaN, Infinity])("refuses maxSessions %s", (maxSessions) => {
    expect(() => new MemoryStore({ maxSessions })).toThrow(RangeError);
  });

  it("refuses a maxSessions that is not a number", () => {
    expect(() => new MemoryStore({ maxSessions: "3" as unknown as number })).toThrow(TypeError);
  });

  it.each([0, -5, Number.NaN, Infinity])("refuses janitorIntervalMs %s", (janitorIntervalMs) => {
    expect(() => new MemoryStore({ janitorIntervalMs })).toThrow(RangeError);
  });

  it.each([
    ["janitorInterval", "MemoryStore has no option `janitorInterval`; did you mean `janitorIntervalMs`?"],
    ["maxSession", "MemoryStore has no option `maxSession`; did you mean `maxSessions`?"],
    ["revocationGrace", "MemoryStore has no option `revocationGrace`; did you mean `revocationGraceMs`?"],
    ["ttl", "MemoryStore has no option `ttl`; known: `janitorIntervalMs`, `maxSessions`, `revocationGraceMs`"],
  ])("refuses the unknown option %s, naming the nearest known one", (name, message) => {
    expect(() => new MemoryStore({ [name]: 1000 } as never)).toThrow(new TypeError(message));
  });

  it("takes every known option", async () => {
    const store = new MemoryStore({ janitorIntervalMs: 1000, maxSessions: 10, revocationGraceMs: 1000 });
    await store.close();
  });
});

describe("copies", () => {
  it("copies handed out by load are independent of each other and of the store", async () => {
    const store = new MemoryStore();
    await store.store("a", bytes("aaaa"), HOUR);
    await store.store("b", bytes("bbbb"), HOUR);
    const a = (await store.load("a")) as Uint8Array;
    const b = (await store.load("b")) as Uint8Array;
    a.fill(0);
    expect(b).toEqual(bytes("bbbb"));
    expect(await store.load("a")).toEqual(bytes("aaaa"));
    await store.close();
  });

  it("rewriting a session in place leaves copies loaded earlier unchanged", async () => {
    const store = new MemoryStore();
    await store.store("a", bytes("old!"), HOUR);
    const before = await store.load("a");
    const input = bytes("new!");
    await store.store("a", input, HOUR);
    input.fill(0);
    expect(before).toEqual(bytes("old!"));
    expect(await store.load("a")).toEqual(bytes("new!"));
    await store.close();
  });

  it("copies larger than the pooled size get their own buffer", async () => {
    const store = new MemoryStore();
    const big = new Uint8Array(64 * 1024).map((_, i) => i % 251);
    await store.store("big", big, HOUR);
    const loaded = (await store.load("big")) as Uint8Array;
    expect(loaded).toEqual(big);
    expect(loaded.buffer.byteLength).toBe(big.length);
    await store.close();
  });
});

describe("close", () => {
  it("drops the sessions and rejects later calls with SessionStoreError.closed", async () => {
    const store = new MemoryStore();
    await store.store("a", bytes("a"), HOUR);
    await store.close();
    expect(store.size).toBe(0);
    await expect(store.load("a")).rejects.toThrow(SessionStoreError);
    await expect(store.sweep()).rejects.toThrow(/closed/);
  });

  it("checks arguments before the closed check", async () => {
    const store = new MemoryStore();
    await store.close();
    await expect(store.load("")).rejects.toThrow(RangeError);
  });
});

async function present(store: MemoryStore, ids: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const id of ids) if ((await store.load(id)) !== undefined) found.push(id);
  return found;
}
