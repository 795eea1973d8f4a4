import type { Backend, BackendName } from "./backend.js";
import { memoryBackend } from "./memory.js";
import { mongoBackend } from "./mongo.js";
import { postgresBackend } from "./postgres.js";
import { redisBackend } from "./redis.js";
import { sqliteBackend } from "./sqlite.js";

export const BACKENDS: readonly BackendName[] = ["memory", "sqlite", "redis", "postgres", "mongo"];

const factories: Record<BackendName, () => Backend | Promise<Backend>> = {
  memory: memoryBackend,
  sqlite: sqliteBackend,
  redis: redisBackend,
  postgres: postgresBackend,
  mongo: mongoBackend,
};

/**
 * One backend with namespaces and admin connections of its own. The server behind
 * it is resolved once per process (see resolve.ts); SESSION_STORE_REQUIRE turns a
 * listed backend's skip into a thrown Error.
 */
export async function harness(name: BackendName): Promise<Backend> {
  return factories[name]();
}
