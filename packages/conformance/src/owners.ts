import { expect } from "vitest";
import { expectBytes } from "./expect-bytes.js";
import { expectExpiresAt, idsOf, listedIds, managed, newOwner, SHORT_GRACE, storeExpiredOwned, storeTimed } from "./management-support.js";
import { dataFor, HOUR, newId, sleepUntil, timed } from "./support.js";
import type { Check } from "./types.js";

const topic = "owners";

/** The TTL a session is stored with before a touch extends it: long enough to touch it in time. */
const FIRST_TTL = 1_000;

export const ownerChecks: Check[] = [
  {
    topic,
    name: "a later store with another owner moves the session; one without an owner leaves it with none",
    appliesTo: managed,
    async run(context) {
      const store = await context.openManaged();
      const [id, first, second] = [newId(), newOwner(), newOwner()];
      await store.store(id, dataFor("one"), HOUR, { owner: first });
      await store.store(id, dataFor("two"), HOUR, { owner: second });
      expect((await store.entry(id))?.owner).toBe(second);
      expect(idsOf(await store.sessionsOf(first)), "the first owner lost it").toEqual([]);
      expect(idsOf(await store.sessionsOf(second))).toEqual(listedIds(context, [id]));
      await store.store(id, dataFor("three"), HOUR);
      const entry = await store.entry(id);
      expectBytes(entry?.data, dataFor("three"));
      expect(entry !== undefined && "owner" in entry, "no owner after a store without one").toBe(false);
      expect(idsOf(await store.sessionsOf(second)), "the second owner lost it").toEqual([]);
    },
  },
  {
    topic,
    name: "touch keeps the owner and the data",
    appliesTo: managed,
    async run(context) {
      const store = await context.openManaged();
      const [id, owner] = [newId(), newOwner()];
      await store.store(id, dataFor(id), 60_000, { owner });
      const before = Date.now();
      expect(await store.touch(id, HOUR)).toBe(true);
      const write = { before, after: Date.now(), ttlMs: HOUR };
      const entry = await store.entry(id);
      expect(entry?.owner).toBe(owner);
      expectBytes(entry?.data, dataFor(id));
      expectExpiresAt(context, entry?.expiresAt, write, "entry after touch");
      const [listed] = await store.sessionsOf(owner);
      expect(listed?.id).toBe(context.listedId(id));
      expectExpiresAt(context, listed?.expiresAt, write, "sessionsOf after touch");
    },
  },
  {
    topic,
    name: "a touched session stays in its owner's list past its original expiry, also after later writes for that owner",
    appliesTo: managed,
    async run(context) {
      const store = await context.openManaged();
      const [id, owner] = [newId(), newOwner()];
      const stored = await timed(() => store.store(id, dataFor(id), FIRST_TTL, { owner }));
      expect(await store.touch(id, HOUR)).toBe(true);
      await sleepUntil(stored.end + FIRST_TTL + context.capabilities.expirySlackMs);
      const later = newId();
      await store.store(later, dataFor(later), HOUR, { owner });
      expect(idsOf(await store.sessionsOf(owner))).toEqual(listedIds(context, [id, later]));
      expect(await store.removeSessionsOf(owner)).toBe(2);
    },
  },
  {
    topic,
    name: "sessionsOf lists exactly the owner's live sessions, with their expiresAt",
    appliesTo: managed,
    async run(context) {
      const store = await context.openManaged(undefined, { revocationGraceMs: SHORT_GRACE });
      const elsewhere = await context.openManaged();
      const [owner, other] = [newOwner(), newOwner()];
      const live = Array.from({ length: 5 }, newId);
      const writes = new Map<string, Awaited<ReturnType<typeof storeTimed>>>();
      for (const id of live) writes.set(context.listedId(id), await storeTimed(store, id, dataFor(id), HOUR, owner));
      const [removed, revoked, moved, unowned, othersOwn] = [newId(), newId(), newId(), newId(), newId()];
      for (const id of [removed, revoked, moved]) await store.store(id, dataFor("gone"), HOUR, { owner });
      await store.remove(removed);
      await store.revoke(revoked);
      await store.store(moved, dataFor("moved"), HOUR, { owner: other });
      await store.store(unowned, dataFor("none"), HOUR);
      await store.store(othersOwn, dataFor("other"), HOUR, { owner: other });
      await elsewhere.store(newId(), dataFor("elsewhere"), HOUR, { owner });
      await storeExpiredOwned(context, store, [newId()], owner);
      const listed = await store.sessionsOf(owner);
      expect(idsOf(listed)).toEqual(listedIds(context, live));
      for (const session of listed) expectExpiresAt(context, session.expiresAt, writes.get(session.id)!, "sessionsOf");
      expect(idsOf(await store.sessionsOf(other))).toEqual(listedIds(context, [moved, othersOwn]));
    },
  },
  {
    topic,
    name: "sessionsOf of an unknown owner resolves []",
    appliesTo: managed,
    async run(context) {
      const store = await context.openManaged();
      await store.store(newId(), dataFor("x"), HOUR, { owner: newOwner() });
      expect(await store.sessionsOf(newOwner())).toEqual([]);
    },
  },
  {
    topic,
    name: "removeSessionsOf revokes every live session of the owner and resolves how many",
    appliesTo: managed,
    async run(context) {
      const store = await context.openManaged();
      const [owner, other] = [newOwner(), newOwner()];
      const own = Array.from({ length: 4 }, newId);
      for (const id of own) await store.store(id, dataFor(id), HOUR, { owner });
      const [othersOwn, unowned] = [newId(), newId()];
      await store.store(othersOwn, dataFor("other"), HOUR, { owner: other });
      await store.store(unowned, dataFor("none"), HOUR);
      await store.revoke(own[3] as string);
      await storeExpiredOwned(context, store, [newId()], owner);
      expect(await store.removeSessionsOf(owner), "live sessions only: not the expired, not the revoked").toBe(3);
      expect(await store.sessionsOf(owner)).toEqual([]);
      for (const id of own) {
        expect(await store.load(id), "a removed session").toBeUndefined();
        expect(await store.store(id, dataFor("again"), HOUR, { owner }), "a removed session is revoked").toBe(false);
      }
      expectBytes(await store.load(othersOwn), dataFor("other"));
      expectBytes(await store.load(unowned), dataFor("none"));
      expect(await store.removeSessionsOf(owner), "nothing left").toBe(0);
    },
  },
  {
    topic,
    name: "removeSessionsOf keeps the session named by except",
    appliesTo: managed,
    async run(context) {
      const store = await context.openManaged();
      const owner = newOwner();
      const [kept, ...others] = Array.from({ length: 3 }, newId) as [string, ...string[]];
      for (const id of [kept, ...others]) await store.store(id, dataFor(id), HOUR, { owner });
      expect(await store.removeSessionsOf(owner, { except: kept })).toBe(others.length);
      expectBytes(await store.load(kept), dataFor(kept));
      expect(idsOf(await store.sessionsOf(owner))).toEqual(listedIds(context, [kept]));
      expect(await store.store(kept, dataFor("again"), HOUR, { owner }), "except is not revoked").toBe(true);
      for (const id of others) expect(await store.load(id)).toBeUndefined();
    },
  },
  {
    topic,
    name: "removeSessionsOf accepts as except an id as sessionsOf lists it",
    appliesTo: managed,
    async run(context) {
      const store = await context.openManaged();
      const owner = newOwner();
      const [kept, other] = [newId(), newId()];
      for (const id of [kept, other]) await store.store(id, dataFor(id), HOUR, { owner });
      const listed = (await store.sessionsOf(owner)).find((session) => session.id === context.listedId(kept));
      expect(await store.removeSessionsOf(owner, { except: listed?.id as string })).toBe(1);
      expectBytes(await store.load(kept), dataFor(kept));
      expect(await store.load(other)).toBeUndefined();
    },
  },
  {
    topic,
    name: "removeSessionsOf with an except that is absent or another owner's revokes them all and leaves that one",
    appliesTo: managed,
    async run(context) {
      const store = await context.openManaged();
      const [owner, other] = [newOwner(), newOwner()];
      const own = [newId(), newId()];
      for (const id of own) await store.store(id, dataFor(id), HOUR, { owner });
      const othersOwn = newId();
      await store.store(othersOwn, dataFor("other"), HOUR, { owner: other });
      expect(await store.removeSessionsOf(owner, { except: othersOwn })).toBe(2);
      expectBytes(await store.load(othersOwn), dataFor("other"));
      expect(idsOf(await store.sessionsOf(other))).toEqual(listedIds(context, [othersOwn]));
      for (const id of own) await store.store(id, dataFor(id), HOUR, { owner: other });
      expect(await store.removeSessionsOf(other, { except: newId() })).toBe(1);
      expect(await store.load(othersOwn)).toBeUndefined();
    },
  },
  {
    topic,
    name: "removeSessionsOf of an unknown owner resolves 0 and changes nothing",
    appliesTo: managed,
    async run(context) {
      const store = await context.openManaged();
      const id = newId();
      await store.store(id, dataFor(id), HOUR, { owner: newOwner() });
      expect(await store.removeSessionsOf(newOwner())).toBe(0);
      expectBytes(await store.load(id), dataFor(id));
    },
  },
];
