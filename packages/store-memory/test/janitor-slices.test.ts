import { HOUR } from "@session-store/harness";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MemoryStore } from "../src/index.js";

const T0 = Date.UTC(2030, 0, 1);
const EXPIRING = 300_000;
const data = new Uint8Array([1]);

interface EventLoopProbe<T> {
  result: T;
  /** Wall time `work` took. */
  elapsedMs: number;
  /** Longest gap between two turns of a setImmediate probe. */
  longestGapMs: number;
  /** Turns the probe got before `work` ended. */
  turns: number;
}

/** Runs `work` while a setImmediate probe measures how often the event loop came round. */
async function probeEventLoop<T>(work: () => Promise<T>): Promise<EventLoopProbe<T>> {
  const start = performance.now();
  let last = start;
  let longestGapMs = 0;
  let turns = 0;
  let probing = true;
  const probe = () => {
    const now = performance.now();
    longestGapMs = Math.max(longestGapMs, now - last);
    last = now;
    turns++;
    if (probing) setImmediate(probe);
  };
  setImmediate(probe);
  const result = await work();
  const elapsedMs = performance.now() - start;
  // Let the probe take the turn it has been waiting for, so a gap at the very end counts too.
  await new Promise((resolve) => setImmediate(resolve));
  probing = false;
  return { result, elapsedMs, longestGapMs, turns };
}

/** A store holding EXPIRING sessions (TTLs spread over 1 s) that have all expired, plus one live one. */
async function storeWithMassExpiry(): Promise<MemoryStore> {
  vi.useFakeTimers({ toFake: ["Date"] }); // only Date: setImmediate and performance stay real
  vi.setSystemTime(T0);
  const store = new MemoryStore({ janitorIntervalMs: HOUR });
  for (let i = 0; i < EXPIRING; i++) await store.store(`s-${i}`, data, 1_000 + (i % 1_000));
  await store.store("live", data, HOUR);
  vi.setSystemTime(T0 + 2_000);
  return store;
}

afterEach(() => {
  vi.useRealTimers();
});

describe("janitor slices", () => {
  it("deletes 300k sessions expiring at once in slices, letting the event loop run between them", async () => {
    const store = await storeWithMassExpiry();
    const probe = await probeEventLoop(() => store.sweep());
    expect(probe.result).toBe(EXPIRING);
    expect(store.size).toBe(1);
    // Relative, not absolute, so a loaded CI machine descheduling the process cannot fail it:
    // one blocking sweep is a single gap as long as the sweep itself.
    const figures = `longest gap ${probe.longestGapMs.toFixed(0)} ms of ${probe.elapsedMs.toFixed(0)} ms, ${probe.turns} turns`;
    expect(probe.turns, figures).toBeGreaterThanOrEqual(10);
    expect(probe.longestGapMs, figures).toBeLessThan(probe.elapsedMs / 2);
    await store.close();
  });

  it("never returns an expired session while a sweep is still behind", async () => {
    const store = await storeWithMassExpiry();
    const sweeping = store.sweep();
    await new Promise((resolve) => setImmediate(resolve));
    const behind = store.size;
    expect(behind).toBeGreaterThan(1);
    expect(await store.load(`s-${EXPIRING - 1}`)).toBeUndefined();
    expect(await store.touch(`s-${EXPIRING - 2}`, HOUR)).toBe(false);
    expect(await store.load("live")).toEqual(data);
    expect(await sweeping).toBeGreaterThanOrEqual(EXPIRING - 2);
    await store.close();
  });

  it("close() stops a sweep in progress", async () => {
    const store = await storeWithMassExpiry();
    const sweeping = store.sweep();
    await new Promise((resolve) => setImmediate(resolve));
    await store.close();
    expect(await sweeping).toBeLessThan(EXPIRING);
    expect(store.size).toBe(0);
  });
});
