import { describe, expect, it } from "vitest";
import { conformanceChecks, describeSessionStore, runCheck } from "../src/index.js";
import {
  CallersArrayStore,
  PingAlwaysStore,
  RacyRemoveStore,
  ReorderingStore,
  ReEncodingStore,
  RemoveExpiredTrueStore,
  ReturnsExpiredStore,
  SharedNamespaceStore,
  TouchRevivesStore,
  TruncatingStore,
  ZeroTtlStore,
} from "./fixtures/broken-stores.js";
import {
  ClearDropsRevocationsStore,
  EagerEntriesStore,
  LateStoreUndoesRevocationStore,
  OwnerListMissesOneStore,
  OwnerListsExpiredStore,
  TrueWhileRevokedStore,
} from "./fixtures/broken-management-stores.js";
import type { ReferenceStoreClass } from "../src/reference-store.js";
import { referenceOptions } from "../src/reference-store.js";

// The suite passes a correct store...
describeSessionStore(referenceOptions("reference"));

// ...and each deliberately broken store fails the checks aimed at its bug.
const brokenStores: Array<[string, ReferenceStoreClass, string[]]> = [
  ["returns expired data", ReturnsExpiredStore, [
    "a session is live before its TTL and gone after it",
    "store replaces the expiry: a shorter TTL shortens it",
    "touch moves the expiry to now + ttl, also when that is sooner",
  ]],
  ["truncates data", TruncatingStore, ["8 MiB of random data round-trips exactly"]],
  ["re-encodes bytes as UTF-8", ReEncodingStore, [
    "all 256 byte values round-trip exactly",
    "bytes that are not valid UTF-8 are not re-encoded",
    "8 MiB of random data round-trips exactly",
  ]],
  ["returns the caller's array", CallersArrayStore, [
    "mutating the array after store resolves changes nothing stored",
    "mutating the array right after calling store changes nothing stored",
    "mutating a loaded array changes nothing stored",
  ]],
  ["remove resolves true for an expired id", RemoveExpiredTrueStore, ["remove of an expired session resolves false"]],
  ["touch revives an expired session", TouchRevivesStore, ["touch on an expired session resolves false and never revives it"]],
  ["namespaces share data", SharedNamespaceStore, ["stores over different namespaces never see each other's data"]],
  ["accepts a 0 ttl", ZeroTtlStore, ["a bad ttl rejects store with TypeError or RangeError and writes nothing"]],
  ["lets a later call overtake a store", ReorderingStore, [
    "store then remove, called without awaiting, on many ids: every id ends absent",
    "store then touch, called without awaiting, on many ids: every touch finds the session",
  ]],
  ["answers ping after close", PingAlwaysStore, ["ping resolves on an open store and rejects after close"]],
  ["removes in two steps", RacyRemoveStore, ["concurrent removes of one live session: exactly one resolves true"]],
  ["misses a session in an owner's list", OwnerListMissesOneStore, [
    "sessionsOf lists exactly the owner's live sessions, with their expiresAt",
    "removeSessionsOf revokes every live session of the owner and resolves how many",
  ]],
  ["lists an owner's expired session", OwnerListsExpiredStore, [
    "sessionsOf lists exactly the owner's live sessions, with their expiresAt",
    "removeSessionsOf revokes every live session of the owner and resolves how many",
  ]],
  ["lets a late store undo a revocation", LateStoreUndoesRevocationStore, [
    "store then revoke, called without awaiting, on many ids: every id ends revoked and revoke saw the session",
  ]],
  ["reads the whole namespace for entries", EagerEntriesStore, [
    "entries is lazy: after the namespace is emptied, it yields at most a few batches more",
  ]],
  ["resolves true for a store while revoked", TrueWhileRevokedStore, [
    "revoke of a live session resolves true; then load/entry are undefined, store false, touch false, remove false",
    "revoke then store, called without awaiting, on many ids: every store resolves false and writes nothing",
  ]],
  ["clears revocations", ClearDropsRevocationsStore, [
    "clear removes every session of the namespace, resolves how many were live, and keeps revocations",
  ]],
];

describe("the suite fails broken stores", () => {
  for (const [bug, Store, failingChecks] of brokenStores) {
    describe(`a store that ${bug}`, () => {
      const options = referenceOptions(bug, Store);
      for (const name of failingChecks) {
        it(`fails "${name}"`, async () => {
          const check = conformanceChecks.find((candidate) => candidate.name === name);
          expect(check, `no check named "${name}"`).toBeDefined();
          await expect(runCheck(options, check!)).rejects.toThrow();
        });
      }
    });
  }
});

describe("a store without session management", () => {
  it("is run without the management checks when its capability says so", () => {
    const options = { ...referenceOptions("unmanaged"), capabilities: { expiry: "sweep", management: false } } as const;
    const applied = conformanceChecks.filter((check) => check.appliesTo?.(options) ?? true);
    const managementTopics = ["entry", "owners", "revocation", "revocation order", "listing", "management arguments"];
    expect(applied.filter((check) => managementTopics.includes(check.topic))).toEqual([]);
    expect(applied.length).toBeGreaterThan(0);
  });
});
