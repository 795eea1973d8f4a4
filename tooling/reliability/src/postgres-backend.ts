import { randomBytes } from "node:crypto";
import pg from "pg";
import { resolveBackend } from "@session-store/testing";
import type { Backend } from "./backends.js";
import type { StoreSpec } from "./open-store.js";
import { openStore } from "./open-store.js";

/**
 * PostgreSQL through the shared resolver: one table per namespace in `public`,
 * dropped by `cleanup`. Every connection this run opens carries one unique
 * application_name, so the fault script terminates only its own connections.
 */
export async function postgresBackend(newNamespace: () => string): Promise<Backend> {
  const resolved = await resolveBackend("postgres");
  const applicationName = `session-store-reliability-${process.pid}-${randomBytes(3).toString("hex")}`;
  const tables = new Set<string>();
  let admin: pg.Pool | undefined;
  const pool = () => (admin ??= new pg.Pool({ connectionString: resolved.url, application_name: `${applicationName}-admin`, max: 2 }));
  const spec = (table: string): StoreSpec => ({ backend: "postgres", url: resolved.url!, table, applicationName });
  return {
    name: "postgres",
    skip: resolved.skip,
    url: resolved.url,
    multiProcess: true,
    processClock: false,
    capabilities: { expiry: "sweep", sharedNamespace: true },
    applicationName,
    newNamespace() {
      const table = newNamespace();
      tables.add(table);
      return table;
    },
    spec,
    open(table) {
      tables.add(table);
      return openStore(spec(table));
    },
    async inspect(table, rawId) {
      const rows = await query<{ ms: number }>(
        `SELECT (extract(epoch FROM expires_at - now()) * 1000)::float8 AS ms FROM "${table}" WHERE id = $1`,
        [rawId],
      );
      return rows[0] && { expiresInMs: rows[0].ms };
    },
    async rawIds(table) {
      return (await query<{ id: string }>(`SELECT id FROM "${table}"`, [])).map((row) => row.id);
    },
    async cleanup() {
      if (resolved.skip) return;
      for (const table of tables) await pool().query(`DROP TABLE IF EXISTS "${table}"`);
      await admin?.end();
    },
  };

  /** A query on a table the store may not have created yet: no table, no rows. */
  async function query<T extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<T[]> {
    try {
      return (await pool().query<T>(text, values)).rows;
    } catch (error) {
      if ((error as { code?: string }).code === "42P01") return [];
      throw error;
    }
  }
}
