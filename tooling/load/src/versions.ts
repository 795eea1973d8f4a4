/** The server (or library) behind a backend, for both reports, e.g. "Redis 7.0.15", "SQLite 3.50.4". */
import type { Backend } from "@session-store/harness";
import BetterSqlite3 from "better-sqlite3";
import { Redis } from "ioredis";
import pg from "pg";

export async function backendVersion(backend: Backend): Promise<string> {
  switch (backend.name) {
    case "sqlite": {
      const db = new BetterSqlite3(":memory:");
      const version = db.prepare("SELECT sqlite_version()").pluck().get();
      db.close();
      return `SQLite ${String(version)}`;
    }
    case "redis": {
      const client = new Redis(backend.url as string);
      const info = await client.info("server").finally(() => client.quit());
      return `Redis ${/redis_version:(\S+)/.exec(info)?.[1] ?? "?"}`;
    }
    case "postgres": {
      const client = new pg.Client({ connectionString: backend.url });
      await client.connect();
      const { rows } = await client.query<{ server_version: string }>("SHOW server_version").finally(() => client.end());
      return `PostgreSQL ${rows[0]?.server_version ?? "?"}`;
    }
    case "mongo": {
      const { MongoClient } = await import("mongodb");
      const client = new MongoClient(backend.url as string);
      const info = await client.db().admin().command({ buildInfo: 1 }).finally(() => client.close());
      return `MongoDB ${String(info.version)}`;
    }
    default:
      return "in-process";
  }
}
