import { createHash } from "node:crypto";
import { qualifiedName } from "./schema.js";
import type { TableName } from "./schema.js";

/** One statement the store prepares: its text and the name it is prepared under. */
export interface Statement {
  readonly name: string;
  readonly text: string;
}

/** Every statement of one store, over one table. */
export interface Statements {
  /** $1 id → one row, one column: the data as base64 text, if live. */
  readonly load: Statement;
  /** $1 id, $2 data (bytea, sent binary), $3 ttl in ms. */
  readonly store: Statement;
  /** $1 id → one row, one column: whether the deleted row was live; no row if none. */
  readonly remove: Statement;
  /** $1 id, $2 ttl in ms; updates one row if live. */
  readonly touch: Statement;
  /** Deletes at most one batch of expired rows. */
  readonly sweep: Statement;
}

/*
 * One clock: every statement computes and compares expiry with the database's
 * now(), never the app's, so app servers with skewed clocks agree, and timestamptz
 * keeps the session's TimeZone setting out of it.
 *
 * Reading: a bytea column comes back as hex text (twice its size), parsed by pg;
 * encode(data, 'base64') is a third smaller and Buffer.from(…, "base64") is native,
 * which measured faster from 4 KiB up and even at 1 KiB. Writing: pg sends a Buffer
 * parameter in binary format, with no encoding on either side.
 */
export function statementsFor(name: TableName, sweepBatchSize: number): Statements {
  const table = qualifiedName(name);
  return {
    load: named(`SELECT encode(data, 'base64') FROM ${table} WHERE id = $1 AND expires_at > now()`),
    store: named(
      `INSERT INTO ${table} (id, data, expires_at) VALUES ($1, $2, ${expiresIn("$3")}) ` +
        "ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at",
    ),
    // RETURNING sees the deleted row, so live and expired are told apart in the same statement.
    remove: named(`DELETE FROM ${table} WHERE id = $1 RETURNING expires_at > now()`),
    touch: named(`UPDATE ${table} SET expires_at = ${expiresIn("$2")} WHERE id = $1 AND expires_at > now()`),
    sweep: named(sweepText(table, sweepBatchSize)),
  };
}

/** The expiry `ttl` ms from the database's now(); float8 keeps TTLs past 2^31 ms exact. */
function expiresIn(ttlParameter: string): string {
  return `now() + ${ttlParameter}::float8 * interval '1 millisecond'`;
}

/**
 * One bounded batch: walk the expiry index (ORDER BY keeps the planner on it even
 * when half the table has expired), lock up to `batchSize` rows that no other
 * sweeper holds, and delete them by ctid. SKIP LOCKED lets several processes sweep
 * at once, each row deleted by exactly one of them. The batch size is a literal so
 * the planner sees the real LIMIT.
 */
function sweepText(table: string, batchSize: number): string {
  return (
    `DELETE FROM ${table} WHERE ctid = ANY (ARRAY(SELECT ctid FROM ${table} WHERE expires_at <= now() ` +
    `ORDER BY expires_at LIMIT ${batchSize} FOR UPDATE SKIP LOCKED))`
  );
}

/**
 * Prepared statement names are per connection and cut at 63 bytes by the server, so
 * the name is a hash of the text: stores over different tables sharing a caller's
 * pool never clash, and identical statements share one preparation.
 */
function named(text: string): Statement {
  return { name: `session_store_${createHash("sha256").update(text).digest("hex").slice(0, 24)}`, text };
}
