import { randomBytes } from "node:crypto";
import { describeSessionStore } from "../src/index.js";
import type { CreateOptions, Inspection, StoreCapabilities } from "../src/index.js";
import { createIdHasher, encrypted, hashedIds } from "@session-store/core";
import { ReferenceStore as MapStore } from "../src/reference-store.js";
import { nativeExpiryStore } from "./native-expiry-store.js";

// The decorators must keep every line of the contract over any store: here a small
// Map store, one per namespace; tooling/reliability runs them over each real backend.
const secret = randomBytes(32);
const keys = [new Uint8Array(randomBytes(32)), new Uint8Array(randomBytes(32))];
const hash = createIdHasher({ secret });
const namespaces = new Map<string, MapStore>();

function mapStore(namespace: string, options?: CreateOptions): MapStore {
  const store = new MapStore(new Map(), options);
  namespaces.set(namespace, store);
  return store;
}

async function inspectRaw(namespace: string, rawId: string): Promise<Inspection | undefined> {
  const entry = namespaces.get(namespace)?.records.get(rawId);
  return entry && { expiresInMs: entry.expiresAt - Date.now() };
}

// hashedIds lists "\u0000" + the hashed key (CONTRACT.md, Session management).
const listedHashedId = (id: string) => `\u0000${hash(id)}`;

const capabilities: StoreCapabilities = { expiry: "sweep", clock: "process" };

describeSessionStore({
  name: "hashedIds(map)",
  create: (namespace, options) => hashedIds(mapStore(namespace, options), { secret }),
  capabilities,
  inspect: (namespace, id) => inspectRaw(namespace, hash(id)),
  listedId: listedHashedId,
});

describeSessionStore({
  name: "encrypted(map)",
  create: (namespace, options) => encrypted(mapStore(namespace, options), { keys }),
  capabilities,
  inspect: inspectRaw,
});

describeSessionStore({
  name: "hashedIds(encrypted(map))",
  create: (namespace, options) => hashedIds(encrypted(mapStore(namespace, options), { keys }), { secret }),
  capabilities,
  inspect: (namespace, id) => inspectRaw(namespace, hash(id)),
  listedId: listedHashedId,
});

describeSessionStore({
  name: "encrypted(hashedIds(map))",
  create: (namespace, options) => encrypted(hashedIds(mapStore(namespace, options), { secret }), { keys }),
  // Each entry is bound to the id it was written under, which the hashed listing no
  // longer tells, so `entries` refuses this order (decorators-management.test.ts);
  // every other line of the contract holds either way round.
  capabilities: { ...capabilities, management: false },
  inspect: (namespace, id) => inspectRaw(namespace, hash(id)),
  listedId: listedHashedId,
});

// A store without session management stays one under both decorators.
describeSessionStore({
  name: "encrypted(hashedIds(unmanaged))",
  create: () => encrypted(hashedIds(nativeExpiryStore(), { secret }), { keys }),
  capabilities: { expiry: "native", management: false },
});
