import { expect } from "vitest";
import { MAX_ENTRIES_BATCH_SIZE } from "@session-store/core";
import type { ListedEntry, ManagedSessionStore } from "@session-store/core";
import { expectBytes } from "./expect-bytes.js";
import { collect, expectExpiresAt, idsOf, listedIds, managed, newOwner, storeTimed } from "./management-support.js";
import { dataFor, HOUR, newId, storeExpired } from "./support.js";
import type { Check, CheckContext } from "./types.js";

const topic = "listing";

/** How many batches past the first item a lazy `entries` may still yield once the namespace is emptied. */
const HELD_BATCHES = 10;

/**
 * Fills a namespace with live sessions (some with owners) and sessions that must not
 * be listed (expired, removed, revoked, another namespace's); returns the live ones.
 */
async function populate(context: CheckContext, store: ManagedSessionStore) {
  const owner = newOwner();
  const live = new Map<string, { owner?: string; write: Awaited<ReturnType<typeof storeTimed>> }>();
  for (let index = 0; index < 7; index += 1) {
    const id = newId();
    const withOwner = index % 2 === 0 ? owner : undefined;
    live.set(id, { owner: withOwner, write: await storeTimed(store, id, dataFor(id), HOUR, withOwner) });
  }
  const [removed, revoked] = [newId(), newId()];
  for (const id of [removed, revoked]) await store.store(id, dataFor(id), HOUR, { owner });
  await store.remove(removed);
  await store.revoke(revoked);
  await store.revoke(newId());
  await (await context.openManaged()).store(newId(), dataFor("elsewhere"), HOUR);
  await storeExpired(context, store, [newId(), newId()]);
  return live;
}

/** Asserts a listing holds each live session once, with its data, expiresAt and owner. */
function expectListing(context: CheckContext, listed: ListedEntry[], live: Awaited<ReturnType<typeof populate>>, what: string) {
  // Set equality: Redis SCAN may yield a session twice across batches (CONTRACT.md).
  expect([...new Set(idsOf(listed))], `${what}: the live sessions, and nothing else`).toEqual(listedIds(context, [...live.keys()]));
  const byListedId = new Map([...live].map(([id, session]) => [context.listedId(id), { id, ...session }]));
  for (const entry of listed) {
    const expected = byListedId.get(entry.id)!;
    expectBytes(entry.data, dataFor(expected.id), `${what}: data of ${expected.id}`);
    expectExpiresAt(context, entry.expiresAt, expected.write, `${what}: ${expected.id}`);
    if (expected.owner === undefined) expect("owner" in entry, `${what}: no owner property`).toBe(false);
    else expect(entry.owner, `${what}: owner`).toBe(expected.owner);
  }
}

const badEntriesOptions: ReadonlyArray<[string, unknown]> = [
  ["null options", null],
  ["a string as options", "10"],
  ["batchSize 0", { batchSize: 0 }],
  ["batchSize -1", { batchSize: -1 }],
  ["batchSize 1.5", { batchSize: 1.5 }],
  ["batchSize NaN", { batchSize: Number.NaN }],
  ["batchSize Infinity", { batchSize: Number.POSITIVE_INFINITY }],
  ["a numeric string batchSize", { batchSize: "10" }],
  ["batchSize above the maximum", { batchSize: MAX_ENTRIES_BATCH_SIZE + 1 }],
];

export const listingChecks: Check[] = [
  {
    topic,
    name: "entries yields every live session once with data, expiresAt and owner, and nothing else",
    appliesTo: managed,
    async run(context) {
      const store = await context.openManaged();
      const live = await populate(context, store);
      expectListing(context, await collect(store.entries()), live, "default batch");
      expectListing(context, await collect(store.entries({ batchSize: 1 })), live, "batchSize 1");
      expectListing(context, await collect(store.entries({ batchSize: 3 })), live, "batchSize 3");
      expectListing(context, await collect(store.entries({ batchSize: 1_000 })), live, "a batch larger than the namespace");
    },
  },
  {
    topic,
    name: "entries of an empty namespace yields nothing; count and clear resolve 0",
    appliesTo: managed,
    async run(context) {
      const store = await context.openManaged();
      expect(await collect(store.entries())).toEqual([]);
      expect(await store.count()).toBe(0);
      expect(await store.clear()).toBe(0);
    },
  },
  {
    topic,
    name: "invalid entries options reject on the first next() with TypeError or RangeError",
    appliesTo: managed,
    async run(context) {
      const store = await context.openManaged();
      await store.store(newId(), dataFor("x"), HOUR);
      for (const [what, options] of badEntriesOptions) {
        let iterator: AsyncIterator<ListedEntry> | undefined;
        expect(() => {
          iterator = (store.entries as (options: unknown) => AsyncIterable<ListedEntry>)(options)[Symbol.asyncIterator]();
        }, `${what}: entries must not throw synchronously`).not.toThrow();
        const error = await (iterator as AsyncIterator<ListedEntry>).next().then(
          () => undefined,
          (reason: unknown) => reason,
        );
        expect(error instanceof TypeError || error instanceof RangeError, `${what}: rejects with TypeError or RangeError`).toBe(true);
      }
    },
  },
  {
    topic,
    name: "entries is lazy: after the namespace is emptied, it yields at most a few batches more",
    appliesTo: managed,
    async run(context) {
      const store = await context.openManaged();
      const ids = Array.from({ length: 300 }, newId);
      await Promise.all(ids.map((id) => store.store(id, dataFor(id), HOUR)));
      const batchSize = 10;
      const iterator = store.entries({ batchSize })[Symbol.asyncIterator]();
      expect((await iterator.next()).done).toBe(false);
      await Promise.all(ids.map((id) => store.remove(id)));
      let rest = 0;
      while (!(await iterator.next()).done) rest += 1;
      expect(rest, "items yielded after every session was removed").toBeLessThanOrEqual(HELD_BATCHES * batchSize);
    },
  },
  {
    topic,
    name: "count counts the live sessions only",
    appliesTo: managed,
    async run(context) {
      const store = await context.openManaged();
      const live = await populate(context, store);
      expect(await store.count()).toBe(live.size);
    },
  },
  {
    topic,
    name: "clear removes every session of the namespace, resolves how many were live, and keeps revocations",
    appliesTo: managed,
    async run(context) {
      const store = await context.openManaged();
      const other = await context.openManaged();
      const kept = newId();
      await other.store(kept, dataFor(kept), HOUR);
      const live = await populate(context, store);
      const revoked = newId();
      await store.store(revoked, dataFor(revoked), HOUR);
      await store.revoke(revoked);
      const owners = new Set([...live.values()].flatMap((session) => (session.owner === undefined ? [] : [session.owner])));
      expect(await store.clear()).toBe(live.size);
      expect(await store.count()).toBe(0);
      expect(await collect(store.entries())).toEqual([]);
      for (const id of live.keys()) expect(await store.load(id), "a cleared session").toBeUndefined();
      for (const owner of owners) expect(await store.sessionsOf(owner), "a cleared owner").toEqual([]);
      expect(await store.store(revoked, dataFor("again"), HOUR), "a revoked id after clear").toBe(false);
      expectBytes(await other.load(kept), dataFor(kept), "another namespace's session");
      const [id] = live.keys();
      expect(await store.store(id as string, dataFor("new"), HOUR), "a cleared id is usable").toBe(true);
      expect(await store.count()).toBe(1);
    },
  },
];
