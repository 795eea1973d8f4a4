import { randomBytes } from "node:crypto";
import { describeSessionStore } from "@session-store/conformance";
import { afterAll } from "vitest";
import { allBackends } from "../src/backends.js";
import { createIdHasher, encrypted, hashedIds } from "@session-store/core";

// The decorators keep the whole contract over every real backend, not only over a Map.
const backends = await allBackends();
afterAll(() => Promise.all(backends.map((backend) => backend.cleanup())));

const secret = randomBytes(32);
const keys = [new Uint8Array(randomBytes(32)), new Uint8Array(randomBytes(32))];
const hash = createIdHasher({ secret });

for (const backend of backends) {
  const inspect = backend.inspect;
  describeSessionStore({
    name: `hashedIds(${backend.name})`,
    create: async (namespace) => hashedIds(await backend.open(namespace), { secret }),
    capabilities: backend.capabilities,
    // The backend holds the entry under the HMAC of the id.
    inspect: inspect && ((namespace, id) => inspect(namespace, hash(id))),
    skip: backend.skip,
  });
  describeSessionStore({
    name: `encrypted(${backend.name})`,
    create: async (namespace) => encrypted(await backend.open(namespace), { keys }),
    capabilities: backend.capabilities,
    inspect,
    skip: backend.skip,
  });
}
