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
    create: async (namespace) => hashedIds(await open(backend, namespace), { secret }),
    capabilities: capabilities[backend.name]!,
    // The backend holds the entry under the HMAC of the id.
    inspect: inspect && ((namespace, id) => inspect(namespace, hash(id))),
    skip: backend.skip,
  });
  describeSessionStore({
    name: `encrypted(${backend.name})`,
    create: async (namespace) => encrypted(await open(backend, namespace), { keys }),
    capabilities: capabilities[backend.name]!,
    inspect,
    skip: backend.skip,
  });
}
