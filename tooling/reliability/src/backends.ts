import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Redis } from "ioredis";
import type { SessionStore } from "@session-store/core";
import type { Inspection, StoreCapabilities } from "@session-store/conformance";
import { resolveBackend } from "@session-store/testing";
import type { BackendName, StoreSpec } from "./open-store.js";
import { openStore } from "./open-store.js";
import { postgresBackend } from "./postgres-backend.js";

/** One backend as the reliability tests and script see it. */
export interface Backend {
  readonly name: BackendName;
  /** Set when the backend cannot be reached; every test for it is then skipped with this reason. */
  readonly skip?: string;
  /** The server's URL, for server backends. */
  readonly url?: string;
  /** The application_name every PostgreSQL connection of this run carries. */
  readonly applicationName?: string;
  /** Whether stores in several processes share data (not so for the in-process memory store). */
  readonly multiProcess: boolean;
  /** Whether the store counts time with `Date.now()`, so fake timers can move its clock. */
  readonly processClock: boolean;
  readonly capabilities: StoreCapabilities;
  /** A fresh namespace (table, key prefix) no other test uses; dropped by `cleanup`. */
  newNamespace(): string;
  /** How to open a store over `namespace`, here or in a child process. */
  spec(namespace: string): StoreSpec;
  open(namespace: string): Promise<SessionStore>;
  /** The backend's own view of a raw id, bypassing the store; absent for memory. */
  readonly inspect?: (namespace: string, rawId: string) => Promise<Inspection | undefined>;
  /** Every id the backend holds in `namespace`, read directly; absent for memory. */
  readonly rawIds?: (namespace: string) => Promise<string[]>;
  /** Drops what the tests created and closes the inspection connections. */
  cleanup(): Promise<void>;
}

const newNamespace = () => `rel_${randomBytes(5).toString("hex")}`;

/** Every backend this project tests, resolved (or marked skipped) once. */
export async function allBackends(): Promise<Backend[]> {
  return [memoryBackend(), sqliteBackend(), await redisBackend(), await postgresBackend(newNamespace)];
}

function memoryBackend(): Backend {
  return {
    name: "memory",
    multiProcess: false,
    processClock: true,
    capabilities: { expiry: "sweep" },
    newNamespace,
    spec: () => ({ backend: "memory" }),
    open: () => openStore({ backend: "memory" }),
    cleanup: async () => {},
  };
}

function sqliteBackend(): Backend {
  const dir = mkdtempSync(join(tmpdir(), "session-store-reliability-"));
  const path = join(dir, "sessions.db");
  let reader: BetterSqlite3.Database | undefined;
  const db = () => (reader ??= new BetterSqlite3(path));
  const spec = (table: string): StoreSpec => ({ backend: "sqlite", path, table });
  return {
    name: "sqlite",
    multiProcess: true,
    processClock: true,
    capabilities: { expiry: "sweep", sharedNamespace: true },
    newNamespace,
    spec,
    open: (namespace) => openStore(spec(namespace)),
    async inspect(namespace, rawId) {
      const row = db().prepare(`SELECT expires_at FROM "${namespace}" WHERE id = ?`).get(rawId) as
        | { expires_at: number }
        | undefined;
      return row && { expiresInMs: row.expires_at - Date.now() };
    },
    async rawIds(namespace) {
      return (db().prepare(`SELECT id FROM "${namespace}"`).all() as Array<{ id: string }>).map((row) => row.id);
    },
    async cleanup() {
      reader?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function redisBackend(): Promise<Backend> {
  const resolved = await resolveBackend("redis");
  const runPrefix = `reliability:${randomBytes(4).toString("hex")}`;
  const prefixOf = (namespace: string) => `${runPrefix}:${namespace}:`;
  let admin: Redis | undefined;
  const client = () => (admin ??= new Redis(resolved.url!, { lazyConnect: false }));
  const spec = (namespace: string): StoreSpec => ({ backend: "redis", url: resolved.url!, prefix: prefixOf(namespace) });
  const keys = async (pattern: string) => {
    const found: string[] = [];
    for await (const batch of client().scanStream({ match: pattern, count: 1000 })) found.push(...(batch as string[]));
    return found;
  };
  return {
    name: "redis",
    skip: resolved.skip,
    url: resolved.url,
    multiProcess: true,
    processClock: false,
    capabilities: { expiry: "native", sharedNamespace: true },
    newNamespace,
    spec,
    open: (namespace) => openStore(spec(namespace)),
    async inspect(namespace, rawId) {
      const ttl = await client().pttl(prefixOf(namespace) + rawId);
      if (ttl === -2) return undefined;
      return { expiresInMs: ttl === -1 ? Infinity : ttl };
    },
    async rawIds(namespace) {
      return (await keys(`${prefixOf(namespace)}*`)).map((key) => key.slice(prefixOf(namespace).length));
    },
    async cleanup() {
      if (resolved.skip) return;
      // Only this run's keys: the server is shared.
      const found = await keys(`${runPrefix}:*`);
      for (let i = 0; i < found.length; i += 500) await client().del(...found.slice(i, i + 500));
      await admin?.quit();
    },
  };
}
