import { randomBytes } from "node:crypto";
import type { Inspection } from "@session-store/conformance";
import { resolveBackend } from "@session-store/testing";
import pg from "pg";
import { PostgresStore } from "../src/index.js";
import type { PostgresStoreOptions } from "../src/index.js";

export const backend = await resolveBackend("postgres");
export const url = backend.url ?? "postgres://unused@127.0.0.1:1/unused";
export const HOUR = 3_600_000;

/** A fresh name no other test or engineer uses: the shared server only ever sees our own objects. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString("hex")}`;
}

/** The application_name of this file's own connections, so fault tests terminate only them. */
export function uniqueAppName(what: string): string {
  return `session-store-test-${what}-${randomBytes(4).toString("hex")}`;
}

/** A small pool for setup, inspection and cleanup, never one a store under test uses. */
export function adminPool(): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 3, application_name: uniqueAppName("admin") });
  pool.on("error", () => undefined);
  return pool;
}

/** Schemas and tables created by one test file, dropped in its afterAll. */
export class Created {
  readonly #schemas = new Set<string>();

  /** A fresh schema name, remembered for `drop`. */
  schema(prefix = "ss_test"): string {
    const name = uniqueName(prefix);
    this.#schemas.add(name);
    return name;
  }

  async drop(admin: pg.Pool): Promise<void> {
    for (const schema of this.#schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    this.#schemas.clear();
  }
}

/** A store-owned pool over the test server, with a small pool and its own application_name. */
export function ownedStore(options: Omit<PostgresStoreOptions, "pool" | "connection"> & { max?: number; pgOptions?: string }): PostgresStore {
  const { max = 4, pgOptions, ...rest } = options;
  return new PostgresStore({
    connection: { connectionString: url, max, ...(pgOptions ? { options: pgOptions } : {}) },
    ...rest,
  });
}

/** What the table holds for `id`, read directly: the expiry as the database counts it. */
export async function inspectRow(
  admin: pg.Pool,
  schema: string,
  table: string,
  id: string,
): Promise<Inspection | undefined> {
  try {
    const { rows } = await admin.query<{ ms: string }>(
      `SELECT extract(epoch FROM expires_at - now()) * 1000 AS ms FROM "${schema}"."${table}" WHERE id = $1`,
      [id],
    );
    return rows[0] ? { expiresInMs: Number(rows[0].ms) } : undefined;
  } catch (error) {
    // No table yet: the store has not written anything.
    if ((error as { code?: string }).code === "42P01") return undefined;
    throw error;
  }
}

/** Polls `condition` until it holds or `timeoutMs` passes (then throws `what`). */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Settles `promise` and says how long it took, in ms. */
export async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown; ms: number }> {
  const start = performance.now();
  try {
    return { value: await promise, ms: performance.now() - start };
  } catch (error) {
    return { error, ms: performance.now() - start };
  }
}
