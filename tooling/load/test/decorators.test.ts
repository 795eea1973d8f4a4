import { randomBytes } from "node:crypto";
import { describeSessionStore } from "@session-store/conformance";
import { createIdHasher, encrypted, hashedIds } from "@session-store/core";
import { backends, capabilities, open } from "./backends.js";

// The decorators keep the whole contract over every real backend, not only over a Map.
const secret = randomBytes(32);
const keys = [new Uint8Array(randomBytes(32)), new Uint8Array(randomBytes(32))];
const hash = createIdHasher({ secret });

for (const backend of backends) {
  // Memory holds nothing outside the store to inspect.
  const inspect = backend.name === "memory" ? undefined : (namespace: string, id: string) => backend.inspect(namespace, id);
  describeSessionStore({
    name: `hashedIds(${backend.name})`,
    create: async (namespace, options) => hashedIds(await open(backend, namespace, options), { secret }),
    capabilities: capabilities[backend.name]!,
    // Listings show the backend's key, marked so that only revoke accepts it.
    listedId: (id) => `\u0000${hash(id)}`,
    // The backend holds the entry under the HMAC of the id.
    inspect: inspect && ((namespace, id) => inspect(namespace, hash(id))),
    skip: backend.skip,
  });
  describeSessionStore({
    name: `encrypted(${backend.name})`,
    create: async (namespace, options) => encrypted(await open(backend, namespace, options), { keys }),
    capabilities: capabilities[backend.name]!,
    inspect,
    skip: backend.skip,
  });
}
