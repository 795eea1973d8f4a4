import { expect } from "vitest";
import type { ManagedSessionStore } from "@session-store/core";
import { expectBytes } from "./expect-bytes.js";
import { collect, idsOf, listedIds, managed, managedAndSwept, newOwner, SHORT_GRACE } from "./management-support.js";
import { dataFor, HOUR, newId, sleepUntil, timed } from "./support.js";
import type { Check, CheckContext } from "./types.js";

const topic = "revocation";

/** A session TTL several times the short grace, so its end is clearly the later one. */
const LONGER_THAN_GRACE = SHORT_GRACE * 5;

/** Margin on top of the backend's expiry slack before asserting that a revocation ended. */
const END_MARGIN_MS = 50;

/** Asserts `id` is revoked: nothing reads it, nothing writes it, and the write wrote nothing. */
async function expectRevoked(store: ManagedSessionStore, id: string, what: string): Promise<void> {
  expect(await store.load(id), `${what}: load`).toBeUndefined();
  expect(await store.entry(id), `${what}: entry`).toBeUndefined();
  expect(await store.touch(id, HOUR), `${what}: touch`).toBe(false);
  expect(await store.remove(id), `${what}: remove`).toBe(false);
  expect(await store.store(id, dataFor("revived"), HOUR), `${what}: store`).toBe(false);
  expect(await store.store(id, dataFor("revived"), HOUR, { owner: newOwner() }), `${what}: store with an owner`).toBe(false);
  expect(await store.load(id), `${what}: load after the refused stores`).toBeUndefined();
}

/** Opens a managed store with the short grace. */
function openShortGrace(context: CheckContext): Promise<ManagedSessionStore> {
  return context.openManaged(undefined, { revocationGraceMs: SHORT_GRACE });
}

export const revocationChecks: Check[] = [
  {
    topic,
    name: "revoke of a live session resolves true; then load/entry are undefined, store false, touch false, remove false",
    appliesTo: managed,
    async run(context) {
      const store = await context.openManaged();
      const id = newId();
      await store.store(id, dataFor(id), HOUR, { owner: newOwner() });
      expect(await store.revoke(id)).toBe(true);
      await expectRevoked(store, id, "after revoke");
      await expectRevoked(store, id, "after a remove and stores on the revoked id");
    },
  },
  {
    topic,
    name: "revoke of an absent or expired id resolves false and still leaves the id revoked",
    appliesTo: managed,
    async run(context) {
      const store = await context.openManaged();
      const [absent, expired] = [newId(), newId()];
      const stored = await timed(() => store.store(expired, dataFor(expired), 50));
      await sleepUntil(stored.end + 50 + context.capabilities.expirySlackMs);
      expect(await store.revoke(absent), "absent").toBe(false);
      expect(await store.revoke(expired), "expired").toBe(false);
      await expectRevoked(store, absent, "an absent id revoked");
      await expectRevoked(store, expired, "an expired id revoked");
    },
  },
  {
    topic,
    name: "revoke of a revoked id resolves false and the id stays revoked",
    appliesTo: managed,
    async run(context) {
      const store = await context.openManaged();
      const id = newId();
      await store.store(id, dataFor(id), HOUR);
      expect(await store.revoke(id)).toBe(true);
      expect(await store.revoke(id)).toBe(false);
      await expectRevoked(store, id, "revoked twice");
    },
  },
  {
    topic,
    name: "sessionsOf, entries and count skip a revoked session",
    appliesTo: managed,
    async run(context) {
      const store = await context.openManaged();
      const owner = newOwner();
      const [kept, revoked] = [newId(), newId()];
      await store.store(kept, dataFor(kept), HOUR, { owner });
      await store.store(revoked, dataFor(revoked), HOUR, { owner });
      await store.revoke(revoked);
      await store.revoke(newId());
      expect(idsOf(await store.sessionsOf(owner))).toEqual(listedIds(context, [kept]));
      expect(idsOf(await collect(store.entries()))).toEqual(listedIds(context, [kept]));
      expect(await store.count()).toBe(1);
    },
  },
  {
    topic,
    name: "revoke accepts an id as sessionsOf and entries list it, and revokes that session",
    appliesTo: managed,
    async run(context) {
      const store = await context.openManaged();
      const owner = newOwner();
      const [owned, unowned] = [newId(), newId()];
      await store.store(owned, dataFor(owned), HOUR, { owner });
      await store.store(unowned, dataFor(unowned), HOUR);
      const [fromSessionsOf] = await store.sessionsOf(owner);
      expect(await store.revoke(fromSessionsOf?.id as string), "revoke of a listed id from sessionsOf").toBe(true);
      const fromEntries = (await collect(store.entries())).find((entry) => entry.id === context.listedId(unowned));
      expect(await store.revoke(fromEntries?.id as string), "revoke of a listed id from entries").toBe(true);
      await expectRevoked(store, owned, "revoked by its listed id");
      await expectRevoked(store, unowned, "revoked by its listed id");
    },
  },
  {
    topic,
    name: "the id is usable again once the grace ends",
    appliesTo: managed,
    async run(context) {
      const store = await openShortGrace(context);
      const [live, absent] = [newId(), newId()];
      await store.store(live, dataFor(live), 50);
      const revoked = await timed(() => Promise.all([store.revoke(live), store.revoke(absent)]));
      const early = await timed(() => store.store(live, dataFor("early"), HOUR));
      if (early.end < revoked.start + SHORT_GRACE) expect(early.value, "within the grace").toBe(false);
      await sleepUntil(revoked.end + SHORT_GRACE + context.capabilities.expirySlackMs + END_MARGIN_MS);
      for (const id of [live, absent]) {
        expect(await store.store(id, dataFor("again"), HOUR, { owner: newOwner() }), "after the grace").toBe(true);
        expectBytes(await store.load(id), dataFor("again"));
      }
    },
  },
  {
    topic,
    name: "a revoked id stays dead until the removed session's own expiry when that is later than the grace",
    appliesTo: managed,
    async run(context) {
      const store = await openShortGrace(context);
      const id = newId();
      const stored = await timed(() => store.store(id, dataFor(id), LONGER_THAN_GRACE));
      await store.revoke(id);
      const revokedAgain = await timed(() => store.revoke(id));
      expect(revokedAgain.value, "revoking a revoked id").toBe(false);
      // Past the grace of either revoke, well before the session's own expiry.
      await sleepUntil(revokedAgain.end + SHORT_GRACE * 2 + context.capabilities.expirySlackMs);
      const midway = await timed(() => store.store(id, dataFor("early"), HOUR));
      if (midway.end < stored.start + LONGER_THAN_GRACE) expect(midway.value, "after the grace, before the session's expiry").toBe(false);
      expect(await store.load(id)).toBeUndefined();
      await sleepUntil(stored.end + LONGER_THAN_GRACE + context.capabilities.expirySlackMs + END_MARGIN_MS);
      expect(await store.store(id, dataFor("again"), HOUR), "after the session's own expiry").toBe(true);
      expectBytes(await store.load(id), dataFor("again"));
    },
  },
  {
    topic,
    name: "sweep deletes revocations that ended and counts them",
    appliesTo: managedAndSwept,
    async run(context) {
      const store = await openShortGrace(context);
      const ids = [newId(), newId()];
      await store.store(ids[0] as string, dataFor("x"), 50);
      const revoked = await timed(() => Promise.all(ids.map((id) => store.revoke(id))));
      const sweep = () => (store.sweep as () => Promise<number>).call(store);
      const early = await timed(sweep);
      if (early.end < revoked.start + SHORT_GRACE) expect(early.value, "a live revocation is not swept").toBe(0);
      await sleepUntil(revoked.end + SHORT_GRACE + context.capabilities.expirySlackMs + END_MARGIN_MS);
      expect(early.value + (await sweep()), "the ended revocations, each counted once").toBe(ids.length);
      if (context.canInspect) for (const id of ids) expect(await context.inspect(store, id), "a swept revocation").toBeUndefined();
    },
  },
];
