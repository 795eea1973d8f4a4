import { randomBytes } from "node:crypto";
import { describeSessionStore } from "../src/index.js";
import type { Inspection } from "../src/index.js";
import { createIdHasher, encrypted, hashedIds } from "@session-store/core";
import { ReferenceStore as MapStore } from "../src/reference-store.js";

// The decorators must keep every line of the contract over any store: here a small
// Map store, one per namespace; tooling/reliability runs them over each real backend.
const secret = randomBytes(32);
const keys = [new Uint8Array(randomBytes(32)), new Uint8Array(randomBytes(32))];
const hash = createIdHasher({ secret });
const namespaces = new Map<string, MapStore>();

function mapStore(namespace: string): MapStore {
  const store = new MapStore();
  namespaces.set(namespace, store);
  return store;
}

async function inspectRaw(namespace: string, rawId: string): Promise<Inspection | undefined> {
  const entry = namespaces.get(namespace)?.entries.get(rawId);
  return entry && { expiresInMs: entry.expiresAt - Date.now() };
}

const capabilities = { expiry: "sweep" } as const;

describeSessionStore({
  name: "hashedIds(map)",
  create: (namespace) => hashedIds(mapStore(namespace), { secret }),
  capabilities,
  inspect: (namespace, id) => inspectRaw(namespace, hash(id)),
});

describeSessionStore({
  name: "encrypted(map)",
  create: (namespace) => encrypted(mapStore(namespace), { keys }),
  capabilities,
  inspect: inspectRaw,
});

describeSessionStore({
  name: "encrypted(hashedIds(map))",
  create: (namespace) => encrypted(hashedIds(mapStore(namespace), { secret }), { keys }),
  capabilities,
  inspect: (namespace, id) => inspectRaw(namespace, hash(id)),
});
