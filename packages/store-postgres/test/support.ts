import { harness, uniqueName } from "@session-store/harness";
import pg from "pg";
import { PostgresStore } from "../src/index.js";
import type { PostgresStoreOptions } from "../src/index.js";

/** The test server; each file makes its schemas with `backend.newNamespace()` and drops them with `backend.cleanup()`. */
export const backend = await harness("postgres");
export const url = backend.url ?? "postgres://unused@127.0.0.1:1/unused";

/** The application_name of this file's own connections, so fault tests terminate only them. */
export function uniqueAppName(what: string): string {
  return uniqueName(`session-store-test-${what}`);
}

/** A small pool for setup and queries of the tests' own, never one a store under test uses. */
export function adminPool(): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 3, application_name: uniqueAppName("admin") });
  pool.on("error", () => undefined);
  return pool;
}

/**
 * A store-owned pool over the test server, with a small pool and its own application_name.
 * No background sweep unless `sweepIntervalMs` is given (`undefined`: the default one), so
 * tests that count what `sweep()` deletes count it alone.
 */
export function ownedStore(options: Omit<PostgresStoreOptions, "pool" | "connection"> & { max?: number; pgOptions?: string }): PostgresStore {
  const { max = 4, pgOptions, ...rest } = options;
  return new PostgresStore({
    connection: { connectionString: url, max, ...(pgOptions ? { options: pgOptions } : {}) },
    sweepIntervalMs: false,
    ...rest,
  });
}

/** Calls `listener` with every query config a client of `pool` is sent (the store queries a caller's pool through checked-out clients). */
export function onQuery(pool: pg.Pool, listener: (config: pg.QueryConfig) => void): void {
  pool.on("connect", (client) => {
    const query = client.query.bind(client) as (config: unknown, ...rest: unknown[]) => unknown;
    (client as { query: unknown }).query = (config: unknown, ...rest: unknown[]) => {
      if (typeof config === "object" && config !== null) listener(config as pg.QueryConfig);
      return query(config, ...rest);
    };
  });
}
