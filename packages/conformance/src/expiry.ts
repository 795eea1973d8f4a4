import { expect } from "vitest";
import { expectBytes } from "./expect-bytes.js";
import { dataFor, HOUR, newId, SHORT_TTL, sleepUntil, storeExpired, timed } from "./support.js";
import type { Check } from "./types.js";

const topic = "expiry";
/** Clock granularity (whole milliseconds on every backend) plus rounding of the TTL. */
const GRANULARITY_MS = 3;

export const expiryChecks: Check[] = [
  {
    topic,
    name: "a session is live before its TTL and gone after it",
    async run(context) {
      const store = await context.open();
      const id = newId();
      const stored = await timed(() => store.store(id, dataFor(id), SHORT_TTL));
      const early = await timed(() => store.load(id));
      if (early.end - stored.start < SHORT_TTL - GRANULARITY_MS) expectBytes(early.value, dataFor(id));
      await sleepUntil(stored.end + SHORT_TTL + context.capabilities.expirySlackMs);
      expect(await store.load(id), "load after the TTL passed").toBeUndefined();
    },
  },
  {
    topic,
    name: "a session never expires early",
    async run(context) {
      const store = await context.open();
      const id = newId();
      const ttl = 1_000;
      const stored = await timed(() => store.store(id, dataFor(id), ttl));
      await sleepUntil(stored.start + ttl * 0.75);
      const late = await timed(() => store.load(id));
      // Only a load that ended before start + ttl proves liveness; a slower machine makes the check vacuous, never wrong.
      if (late.end - stored.start < ttl - GRANULARITY_MS) expectBytes(late.value, dataFor(id));
    },
  },
  {
    topic,
    name: "store replaces the expiry: a shorter TTL shortens it",
    async run(context) {
      const store = await context.open();
      const id = newId();
      await store.store(id, dataFor("long"), HOUR);
      const stored = await timed(() => store.store(id, dataFor("short"), SHORT_TTL));
      await sleepUntil(stored.end + SHORT_TTL + context.capabilities.expirySlackMs);
      expect(await store.load(id)).toBeUndefined();
    },
  },
  {
    topic,
    name: "store replaces the expiry: a longer TTL extends it",
    async run(context) {
      const store = await context.open();
      const id = newId();
      const first = await timed(() => store.store(id, dataFor("short"), SHORT_TTL));
      await store.store(id, dataFor("long"), HOUR);
      await sleepUntil(first.end + SHORT_TTL + context.capabilities.expirySlackMs);
      expectBytes(await store.load(id), dataFor("long"));
    },
  },
  {
    topic,
    name: "store over an expired session starts a new one",
    async run(context) {
      const store = await context.open();
      const id = newId();
      await storeExpired(context, store, [id]);
      await store.store(id, dataFor("new"), HOUR);
      expectBytes(await store.load(id), dataFor("new"));
    },
  },
  {
    topic,
    name: "a fractional TTL rounds up to a whole millisecond instead of failing",
    async run(context) {
      const store = await context.open();
      const id = newId();
      await expect(store.store(id, dataFor(id), 0.3)).resolves.toBe(true);
      await store.store(id, dataFor(id), 1_500.5);
      expectBytes(await store.load(id), dataFor(id));
    },
  },
  {
    topic,
    name: "the backend itself holds the expiry store asked for (inspect)",
    appliesTo: (options) => options.inspect !== undefined,
    async run(context) {
      const store = await context.open();
      const id = newId();
      const ttl = 60_000;
      const stored = await timed(() => store.store(id, dataFor(id), ttl));
      const inspected = await timed(() => context.inspect(store, id));
      expect(inspected.value, "the backend holds an entry").toBeDefined();
      const remaining = inspected.value?.expiresInMs ?? Number.NaN;
      expect(remaining).toBeLessThanOrEqual(ttl + GRANULARITY_MS);
      expect(remaining).toBeGreaterThan(ttl - (inspected.end - stored.start) - GRANULARITY_MS);
    },
  },
  {
    topic,
    name: "a long TTL (a year) is kept",
    async run(context) {
      const store = await context.open();
      const id = newId();
      const year = 365 * 24 * HOUR;
      await store.store(id, dataFor(id), year);
      expectBytes(await store.load(id), dataFor(id));
      if (context.canInspect) {
        const inspected = await context.inspect(store, id);
        expect(inspected?.expiresInMs).toBeGreaterThan(year - 60_000);
      }
    },
  },
];
