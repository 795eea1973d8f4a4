import type { Inspection } from "@session-store/conformance";
import type { Cluster } from "ioredis";
import { Redis } from "ioredis";
import type { Backend } from "./backend.js";
import { namespaceSet, skippedBackend, withParam } from "./backend.js";
import { resolveServer } from "./resolve.js";

/** Redis: a namespace is the key prefix `<ns>:`; cleanup deletes those keys only, the server is shared. */
export async function redisBackend(): Promise<Backend> {
  const { url, skip } = await resolveServer("redis");
  if (url === undefined) return skippedBackend("redis", skip ?? "redis: no server");
  const namespaces = namespaceSet();
  let admin: Redis | undefined;
  const client = () => (admin ??= new Redis(url));
  return {
    name: "redis",
    url,
    newNamespace: () => namespaces.next(),
    storeUrl: (namespace = namespaces.next()) => withParam(url, "prefix", `${namespaces.add(namespace)}:`),
    inspect: (namespace, id) => inspectRedisKey(client(), `${namespace}:${id}`),
    async cleanup() {
      // SCAN is fine here: test cleanup, never a store's path; the pattern holds only hex, "_" and ":".
      for (const namespace of namespaces.take()) {
        for await (const keys of client().scanStream({ match: `${namespace}:*`, count: 1000 })) {
          if ((keys as string[]).length > 0) await client().del(...(keys as string[]));
        }
      }
      await admin?.quit();
      admin = undefined;
    },
  };
}

/**
 * What Redis itself holds for the session at `key`: PTTL -2 is no key, -1 a key without
 * expiry. A revocation (RedisStore keeps it in the session's key: a hash without the
 * data field `d`) is no session.
 */
export async function inspectRedisKey(client: Redis | Cluster, key: string): Promise<Inspection | undefined> {
  if ((await client.type(key)) === "hash" && (await client.hexists(key, "d")) === 0) return undefined;
  const pttl = await client.pttl(key);
  if (pttl === -2) return undefined;
  return { expiresInMs: pttl === -1 ? Infinity : pttl };
}
