/**
 * The two session stores an HTTP app of the bench runs on, per backend: ours (the
 * @session-store/express bridge over our store, opened by URL) and the peer a user of
 * express-session would pick there. @fastify/session takes the same objects.
 */
import type { Backend, BackendName } from "@session-store/harness";
import { ExpressSessionStore } from "@session-store/express";
import { openStore } from "@session-store/open";
import { OWNED_DATABASE_PRAGMAS } from "@session-store/store-sqlite/internal";
import BetterSqlite3 from "better-sqlite3";
import createBetterSqlite3Store from "better-sqlite3-session-store";
import ConnectMongoStore from "connect-mongo";
import connectPgSimple from "connect-pg-simple";
import { RedisStore as ConnectRedisStore } from "connect-redis";
import session from "express-session";
import type { Store } from "express-session";
import createMemoryStore from "memorystore";
import { MongoClient } from "mongodb";
import pg from "pg";
import { createClient } from "redis";
import { TTL_MS } from "../drive.js";
import { packageVersion } from "../peers.js";
import { sqliteFile } from "../cases/sqlite.js";

export type StoreRole = "ours" | "peer";
export type OpenedStore = { readonly store: Store; close(): Promise<unknown> };

/** Connections per pool, as in the store bench: pg's default. */
const POOL_SIZE = 10;

/** Our bridge over our store of `backend`, as the package's README shows it. */
async function ours(backend: Backend): Promise<OpenedStore> {
  const store = await openStore(backend.storeUrl());
  return { store: new ExpressSessionStore(store) as unknown as Store, close: async () => store.close?.() };
}

const peers: Record<BackendName, { readonly name: string; open(backend: Backend): Promise<OpenedStore> }> = {
  memory: {
    name: `memorystore ${packageVersion("memorystore")}`,
    open: async () => {
      const store = new (createMemoryStore(session))({ checkPeriod: 24 * TTL_MS });
      return { store, close: async () => store.stopInterval() };
    },
  },
  sqlite: {
    name: `better-sqlite3-session-store ${packageVersion("better-sqlite3-session-store")}`,
    open: async (backend) => {
      const db = new BetterSqlite3(sqliteFile(backend.storeUrl()).path, { timeout: 5_000 });
      // The pragmas SqliteStore sets on its own file, so both stacks have the same durability.
      for (const pragma of OWNED_DATABASE_PRAGMAS) db.pragma(pragma);
      const store = new (createBetterSqlite3Store(session))({ client: db, expired: { clear: true, intervalMs: 24 * TTL_MS } });
      return { store, close: async () => db.close() };
    },
  },
  postgres: {
    name: `connect-pg-simple ${packageVersion("connect-pg-simple")}`,
    open: async (backend) => {
      const pool = new pg.Pool({ connectionString: backend.url, max: POOL_SIZE });
      pool.on("error", () => undefined);
      const store = new (connectPgSimple(session))({ pool, tableName: backend.newNamespace(), createTableIfMissing: true, pruneSessionInterval: false });
      return { store, close: () => pool.end() };
    },
  },
  redis: {
    name: `connect-redis ${packageVersion("connect-redis")}`,
    open: async (backend) => {
      const client = createClient({ url: backend.url });
      client.on("error", () => undefined);
      await client.connect();
      return { store: new ConnectRedisStore({ client, prefix: `${backend.newNamespace()}:` }), close: () => client.close() };
    },
  },
  mongo: {
    name: `connect-mongo ${packageVersion("connect-mongo")}`,
    open: async (backend) => {
      const store = ConnectMongoStore.create({ client: new MongoClient(backend.url as string), collectionName: backend.newNamespace() });
      // connect-mongo's close() closes the client it was given.
      return { store, close: () => store.close() };
    },
  },
};

export const peerName = (backend: BackendName): string => peers[backend].name;

export function openSessionStore(backend: Backend, role: StoreRole): Promise<OpenedStore> {
  return role === "ours" ? ours(backend) : peers[backend.name].open(backend);
}
