import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SessionStore } from "@session-store/core";
import { MemoryStore } from "@session-store/store-memory";
import { PostgresStore } from "@session-store/store-postgres";
import { RedisStore } from "@session-store/store-redis";
import { SqliteStore } from "@session-store/store-sqlite";
import { resolveBackend } from "@session-store/testing";

/** One backend the framework tests run on. */
export interface TestBackend {
  readonly name: string;
  /** Set when the backend is not available here; the tests show it in their titles. */
  readonly skip?: string;
  /** Opens a store over this test run's own namespace. */
  open(): Promise<SessionStore>;
  /** Closes the stores it opened and drops what they created. */
  cleanup(): Promise<void>;
}

/** A name no other test run uses, for key prefixes and tables. */
const runId = `express_test_${randomBytes(4).toString("hex")}`;

/** Tracks opened stores so that cleanup closes them all. */
function backend(name: string, open: () => Promise<SessionStore>, drop?: () => Promise<void>): TestBackend {
  const opened: SessionStore[] = [];
  return {
    name,
    open: async () => {
      const store = await open();
      opened.push(store);
      return store;
    },
    cleanup: async () => {
      await Promise.all(opened.splice(0).map((store) => store.close?.()));
      await drop?.();
    },
  };
}

function skipped(name: string, reason: string): TestBackend {
  return { name, skip: reason, open: () => Promise.reject(new Error(reason)), cleanup: async () => {} };
}

function sqlite(): TestBackend {
  let dir: string | undefined;
  return backend(
    "sqlite",
    async () => {
      dir ??= mkdtempSync(join(tmpdir(), "express-sqlite-"));
      return new SqliteStore({ path: join(dir, "sessions.db"), table: runId });
    },
    async () => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  );
}

async function redis(): Promise<TestBackend> {
  const server = await resolveBackend("redis");
  if (server.skip !== undefined) return skipped("redis", server.skip);
  // Sessions the tests leave behind are removed through the store (see framework-suite).
  return backend("redis", async () => new RedisStore({ url: server.url, prefix: `${runId}:` }));
}

async function postgres(): Promise<TestBackend> {
  const server = await resolveBackend("postgres");
  if (server.skip !== undefined) return skipped("postgres", server.skip);
  const connection = server.url;
  return backend(
    "postgres",
    async () => new PostgresStore({ connection, table: runId }),
    async () => {
      // The table is this run's own (runId), so dropping it touches nothing of anyone else's.
      const admin = new PostgresStore({ connection });
      try {
        await admin.pool.query(`DROP TABLE IF EXISTS "${runId}"`);
      } finally {
        await admin.close();
      }
    },
  );
}

/** MongoDB: only when a server is given; its store is loaded only then. */
async function mongo(): Promise<TestBackend> {
  const server = await resolveBackend("mongo");
  if (server.skip !== undefined) return skipped("mongo", server.skip);
  const { MongoStore } = await import("@session-store/store-mongo");
  const url = server.url;
  return backend("mongo", async () => new MongoStore({ url, collection: runId }), async () => {
    const { MongoClient } = await import("mongodb");
    const client = new MongoClient(url);
    try {
      await client.db().collection(runId).drop();
    } finally {
      await client.close();
    }
  });
}

export const backends: readonly TestBackend[] = [
  backend("memory", async () => new MemoryStore()),
  sqlite(),
  await redis(),
  await postgres(),
  await mongo(),
];
