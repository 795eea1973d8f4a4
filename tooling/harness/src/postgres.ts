import pg from "pg";
import type { Backend } from "./backend.js";
import { namespaceSet, skippedBackend, withParam } from "./backend.js";
import { resolveServer } from "./resolve.js";

const UNDEFINED_TABLE = "42P01";

/**
 * PostgreSQL: a namespace is a table in `public`, or a schema of tables a test
 * makes itself; cleanup drops both the table and the schema of each name it handed out.
 */
export async function postgresBackend(): Promise<Backend> {
  const { url, skip } = await resolveServer("postgres");
  if (url === undefined) return skippedBackend("postgres", skip ?? "postgres: no server");
  const namespaces = namespaceSet();
  let admin: pg.Pool | undefined;
  const pool = () => {
    if (admin) return admin;
    admin = new pg.Pool({ connectionString: url, max: 2, application_name: "session-store-harness" });
    admin.on("error", () => undefined);
    return admin;
  };
  return {
    name: "postgres",
    url,
    newNamespace: () => namespaces.next(),
    storeUrl: (namespace = namespaces.next()) => withParam(url, "table", namespaces.add(namespace)),
    /**
     * `namespace` is a table in public, or "schema.table"; the expiry is measured by the
     * database's clock. A revocation (a row with `revoked` true) is no session: undefined.
     * The column is read through to_jsonb, so tables without it (the first shape) work too.
     */
    async inspect(namespace, id) {
      const qualified = namespace.split(".").map((part) => `"${part}"`).join(".");
      try {
        const { rows } = await pool().query<{ ms: number; revoked: boolean | null }>(
          `SELECT (extract(epoch FROM expires_at - now()) * 1000)::float8 AS ms, (to_jsonb(t) ->> 'revoked')::boolean AS revoked FROM ${qualified} AS t WHERE id = $1`,
          [id],
        );
        const row = rows[0];
        return row && row.revoked !== true ? { expiresInMs: row.ms } : undefined;
      } catch (error) {
        // No table yet: the store has written nothing.
        if ((error as { code?: string }).code === UNDEFINED_TABLE) return undefined;
        throw error;
      }
    },
    async cleanup() {
      for (const namespace of namespaces.take()) {
        await pool().query(`DROP TABLE IF EXISTS public."${namespace}"; DROP SCHEMA IF EXISTS "${namespace}" CASCADE`);
      }
      await admin?.end();
      admin = undefined;
    },
  };
}
