import type pg from "pg";
import { quoteIdentifier } from "@session-store/core/adapter";
import { ownerIndexName, ownerIndexSql } from "./schema.js";
import type { TableName } from "./schema.js";

const LONGEST_TIMER_MS = 2 ** 31 - 1;

/** What building the owner index needs. */
export interface OwnerIndexBuild {
  readonly pool: pg.Pool;
  readonly name: TableName;
  /** How long the build may wait for its table lock, in ms. */
  readonly lockTimeoutMs: number;
}

/**
 * Builds the owner index with CREATE INDEX CONCURRENTLY, which neither blocks reads
 * and writes nor can run inside a transaction, so it runs on a connection of its
 * own, as one statement. An invalid index (a build that failed or was cancelled)
 * is dropped and built again. Processes take turns through a session-level advisory
 * lock; one that finds it held leaves the build to its holder and resolves false.
 * The connection is discarded afterwards rather than returned to the pool with
 * changed settings. Until the index is valid, `sessionsOf` is right but scans.
 */
export async function buildOwnerIndex({ pool, name, lockTimeoutMs }: OwnerIndexBuild): Promise<boolean> {
  const client = await pool.connect();
  try {
    // Checked identifiers only in the literal.
    const lockKey = `hashtext('session-store-owner-index:${name.schema}.${name.table}')`;
    const { rows } = await client.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${lockKey}) AS locked`);
    if (!rows[0]?.locked) return false;
    // A build takes as long as the table is large: no statement timeout, a short lock wait.
    await client.query(`SET statement_timeout = 0; SET lock_timeout = ${Math.max(1, Math.ceil(lockTimeoutMs))}`);
    const index = `${quoteIdentifier(name.schema, "schema")}.${quoteIdentifier(ownerIndexName(name.table))}`;
    const state = await client.query<{ valid: boolean | null }>(
      `SELECT (SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass('${index}')) AS valid`,
    );
    const valid = state.rows[0]?.valid;
    if (valid === true) return true;
    if (valid === false) await client.query(`DROP INDEX CONCURRENTLY IF EXISTS ${index}`);
    // A store-owned pool's reply timeout would give up on the build: wait as long as a timer can.
    await client.query({ text: ownerIndexSql(name, true), query_timeout: LONGEST_TIMER_MS } as pg.QueryConfig);
    return true;
  } finally {
    // Ending the connection also releases the advisory lock.
    client.release(true);
  }
}
