import { expect } from "vitest";
import { MAX_ID_BYTES, SessionStoreError } from "@session-store/core";
import type { ManagedSessionStore } from "@session-store/core";
import { badIds } from "./arguments.js";
import { expectBytes } from "./expect-bytes.js";
import { expectNoSecrets, idsOf, listedIds, managed, newOwner, rejectionOf } from "./management-support.js";
import { dataFor, HOUR, newId } from "./support.js";
import type { Check } from "./types.js";

const topic = "management arguments";

/** Store options and removeSessionsOf options that are not an object. */
const notObjects: ReadonlyArray<[string, unknown]> = [
  ["null", null],
  ["a string", "owner"],
  ["a number", 42],
  ["true", true],
];

/** Calls a management method with arguments of any type, as untyped JavaScript callers do. */
function call(store: ManagedSessionStore, method: keyof ManagedSessionStore, ...args: unknown[]): () => Promise<unknown> {
  return () => (store[method] as (...args: unknown[]) => Promise<unknown>).apply(store, args);
}

/** Asserts `error` is the TypeError or RangeError the argument rules give. */
function expectArgumentError(error: unknown, expected: typeof TypeError | typeof RangeError, what: string): void {
  expect(error, what).toBeInstanceOf(expected);
}

export const managementArgumentChecks: Check[] = [
  {
    topic,
    name: "a bad id rejects entry and revoke with TypeError or RangeError",
    appliesTo: managed,
    async run(context) {
      const store = await context.openManaged();
      for (const [what, id, errorClass] of badIds) {
        for (const method of ["entry", "revoke"] as const) {
          expectArgumentError(await rejectionOf(call(store, method, id), `${method} with ${what}`), errorClass, `${method} with ${what}`);
        }
      }
    },
  },
  {
    topic,
    name: "an owner follows the id rules in store, sessionsOf and removeSessionsOf, and a bad one writes nothing",
    appliesTo: managed,
    async run(context) {
      const store = await context.openManaged();
      const id = newId();
      for (const [what, owner, errorClass] of badIds) {
        if (owner !== undefined) {
          const stored = await rejectionOf(call(store, "store", id, dataFor(id), HOUR, { owner }), `store with owner ${what}`);
          expectArgumentError(stored, errorClass, `store with owner ${what}`);
        }
        for (const method of ["sessionsOf", "removeSessionsOf"] as const) {
          expectArgumentError(await rejectionOf(call(store, method, owner), `${method} with ${what}`), errorClass, `${method} with ${what}`);
        }
      }
      expect(await store.load(id), "nothing stored under a bad owner").toBeUndefined();
      const longest = "o".repeat(MAX_ID_BYTES);
      expect(await store.store(id, dataFor(id), HOUR, { owner: longest }), "an owner of 512 bytes").toBe(true);
      expect(idsOf(await store.sessionsOf(longest))).toEqual(listedIds(context, [id]));
    },
  },
  {
    topic,
    name: "store options that are not an object reject with TypeError and write nothing",
    appliesTo: managed,
    async run(context) {
      const store = await context.openManaged();
      const id = newId();
      for (const [what, options] of notObjects) {
        expectArgumentError(await rejectionOf(call(store, "store", id, dataFor(id), HOUR, options), `store options ${what}`), TypeError, `store options ${what}`);
      }
      expect(await store.load(id)).toBeUndefined();
    },
  },
  {
    topic,
    name: "removeSessionsOf's except follows the id rules and its options must be an object; a rejected call revokes nothing",
    appliesTo: managed,
    async run(context) {
      const store = await context.openManaged();
      const [id, owner] = [newId(), newOwner()];
      await store.store(id, dataFor(id), HOUR, { owner });
      for (const [what, except, errorClass] of badIds) {
        if (except === undefined) continue;
        const error = await rejectionOf(call(store, "removeSessionsOf", owner, { except }), `except ${what}`);
        expectArgumentError(error, errorClass, `except ${what}`);
      }
      for (const [what, options] of notObjects) {
        const error = await rejectionOf(call(store, "removeSessionsOf", owner, options), `removeSessionsOf options ${what}`);
        expectArgumentError(error, TypeError, `removeSessionsOf options ${what}`);
      }
      expectBytes(await store.load(id), dataFor(id), "the owner's session after the rejected calls");
      expect(await store.removeSessionsOf(owner, {}), "empty options").toBe(1);
    },
  },
  {
    topic,
    name: "a rejected management call never shows the id or the owner in its error",
    appliesTo: managed,
    async run(context) {
      const store = await context.openManaged();
      const marker = newId();
      const [tooLong, withNul] = [`${marker}${"x".repeat(MAX_ID_BYTES)}`, `${marker}\u0000`];
      for (const bad of [tooLong, withNul]) {
        const calls = {
          entry: call(store, "entry", bad),
          revoke: call(store, "revoke", bad),
          sessionsOf: call(store, "sessionsOf", bad),
          removeSessionsOf: call(store, "removeSessionsOf", bad),
          except: call(store, "removeSessionsOf", newOwner(), { except: bad }),
          "store owner": call(store, "store", newId(), dataFor("x"), HOUR, { owner: bad }),
        };
        for (const [what, run] of Object.entries(calls)) expectNoSecrets(await rejectionOf(run, what), [marker], what);
      }
      if (!store.close) return;
      const [id, owner] = [newId(), newOwner()];
      await store.store(id, dataFor(id), HOUR, { owner });
      await store.close();
      const afterClose = {
        entry: call(store, "entry", id),
        revoke: call(store, "revoke", id),
        sessionsOf: call(store, "sessionsOf", owner),
        removeSessionsOf: call(store, "removeSessionsOf", owner, { except: id }),
        count: call(store, "count"),
        clear: call(store, "clear"),
        "store with an owner": call(store, "store", id, dataFor(id), HOUR, { owner }),
        entries: () => store.entries()[Symbol.asyncIterator]().next(),
      };
      for (const [what, run] of Object.entries(afterClose)) {
        const error = await rejectionOf(run, `${what} after close`);
        expect(error, `${what} after close`).toBeInstanceOf(SessionStoreError);
        expectNoSecrets(error, [id, owner], `${what} after close`);
      }
    },
  },
];
