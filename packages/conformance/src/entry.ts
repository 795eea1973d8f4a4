import { expect } from "vitest";
import { expectBytes } from "./expect-bytes.js";
import { expectExpiresAt, managed, newOwner, storeTimed } from "./management-support.js";
import { dataFor, HOUR, newId, SHORT_TTL, storeExpired } from "./support.js";
import type { Check } from "./types.js";

const topic = "entry";

export const entryChecks: Check[] = [
  {
    topic,
    name: "store resolves true when it wrote, with an owner or without",
    appliesTo: managed,
    async run(context) {
      const store = await context.openManaged();
      const id = newId();
      expect(await store.store(id, dataFor("first"), HOUR)).toBe(true);
      expect(await store.store(id, dataFor("second"), HOUR, { owner: newOwner() })).toBe(true);
      expect(await store.store(newId(), dataFor("x"), HOUR, {})).toBe(true);
      expectBytes(await store.load(id), dataFor("second"));
    },
  },
  {
    topic,
    name: "entry of an id never stored resolves undefined",
    appliesTo: managed,
    async run(context) {
      const store = await context.openManaged();
      expect(await store.entry(newId())).toBeUndefined();
    },
  },
  {
    topic,
    name: "entry gives the data and expiresAt = now + ttl, and no owner property for a session stored without one",
    appliesTo: managed,
    async run(context) {
      const store = await context.openManaged();
      const id = newId();
      const write = await storeTimed(store, id, dataFor(id), HOUR);
      const entry = await store.entry(id);
      expect(entry).toBeDefined();
      expectBytes(entry?.data, dataFor(id));
      expectExpiresAt(context, entry?.expiresAt, write, "entry");
      expect(entry !== undefined && "owner" in entry, "entry has no owner property").toBe(false);
    },
  },
  {
    topic,
    name: "entry gives the owner a session was stored with",
    appliesTo: managed,
    async run(context) {
      const store = await context.openManaged();
      const [id, owner] = [newId(), newOwner()];
      const write = await storeTimed(store, id, dataFor(id), SHORT_TTL * 10, owner);
      const entry = await store.entry(id);
      expectBytes(entry?.data, dataFor(id));
      expect(entry?.owner).toBe(owner);
      expectExpiresAt(context, entry?.expiresAt, write, "entry with an owner");
    },
  },
  {
    topic,
    name: "entry of an expired or removed session resolves undefined",
    appliesTo: managed,
    async run(context) {
      const store = await context.openManaged();
      const [expired, removed] = [newId(), newId()];
      await storeExpired(context, store, [expired]);
      await store.store(removed, dataFor(removed), HOUR, { owner: newOwner() });
      await store.remove(removed);
      expect(await store.entry(expired), "expired").toBeUndefined();
      expect(await store.entry(removed), "removed").toBeUndefined();
    },
  },
  {
    topic,
    name: "entry returns a copy: mutating its data changes nothing stored",
    appliesTo: managed,
    async run(context) {
      const store = await context.openManaged();
      const id = newId();
      await store.store(id, dataFor(id), HOUR);
      const entry = await store.entry(id);
      (entry?.data as Uint8Array).fill(0);
      expectBytes(await store.load(id), dataFor(id));
    },
  },
];
