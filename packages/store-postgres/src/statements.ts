import { createHash } from "node:crypto";
import { qualifiedName } from "./schema.js";
import type { TableName } from "./schema.js";

/** One statement of the store: its text, and the name it is prepared under if it is prepared. */
export interface Statement {
  readonly name?: string;
  readonly text: string;
}

/** Every statement of one store, over one table. */
export interface Statements {
  /** $1 id → one row, one column: the data as base64 text, if live. */
  readonly load: Statement;
  /** $1 id, $2 data (bytea, sent binary), $3 ttl in ms; no owner. Writes one row unless the id is revoked. */
  readonly store: Statement;
  /** `store` with $4 the owner. */
  readonly storeOwned: Statement;
  /** $1 id → one row, one column: whether the deleted row was live; no row if none. A revocation stays. */
  readonly remove: Statement;
  /** $1 id, $2 ttl in ms; updates one row if live. */
  readonly touch: Statement;
  /** $1 id → [data as base64, expires_at in epoch ms, owner or null], if live. */
  readonly entry: Statement;
  /** $1 id, $2 grace in ms → one row, one column: whether a live session was there. */
  readonly revoke: Statement;
  /** $1 owner → [id, expires_at in epoch ms] of each live session. */
  readonly sessionsOf: Statement;
  /** $1 owner, $2 id to keep or null, $3 grace in ms; revokes every live session of the owner (rowCount). */
  readonly removeSessionsOf: Statement;
  /** $1 the last id of the batch before ('' first), $2 batch size → [id, data as base64, expires_at in epoch ms, owner or null], in id order. */
  readonly entriesBatch: Statement;
  /** → one row, one column: how many live sessions (float8). */
  readonly count: Statement;
  /** $1 the last id of the batch before ('' first), $2 batch size → [rows in the batch, live sessions deleted, the batch's last id]. Revocations stay. */
  readonly clearBatch: Statement;
  /** $1 lowest expiry to look at (timestamptz text) → [rows deleted, highest expiry seen as ISO text]. */
  readonly sweepBatch: Statement;
  /** $1, $2 first and past-the-last heap block as tids → [rows deleted]: the expired rows stored there. */
  readonly sweepBlocks: Statement;
  /** → [the table's size in blocks, the database's now() as ISO text, the server's version number]. */
  readonly sweepSize: Statement;
  /** → the plan of a scan for expired rows, as JSON: the planner's estimate of how many there are. */
  readonly sweepEstimate: Statement;
}

/*
 * One clock: every statement computes and compares expiry with the database's
 * now(), never the app's, so app servers with skewed clocks agree, and timestamptz
 * keeps the session's TimeZone setting out of it.
 *
 * Reading: a bytea column comes back as hex text (twice its size), parsed by pg;
 * encode(data, 'base64') is a third smaller and Buffer.from(…, "base64") is native:
 * measured here about a third faster at 16 KiB and level at 1 KiB. (pg's `binary`
 * result mode would return bytea as mangled text.) Writing: pg sends a Buffer
 * parameter in binary format, no encoding on either side; base64 text decoded by
 * the server measured slower.
 */
export function statementsFor(name: TableName, sweepBatchSize: number): Statements {
  const table = qualifiedName(name);
  return {
    load: named(`SELECT encode(data, 'base64') FROM ${table} WHERE id = $1 AND ${LIVE}`),
    store: named(storeText(table, "NULL")),
    storeOwned: named(storeText(table, "$4")),
    // RETURNING sees the deleted row, so live and expired are told apart in the same statement.
    // A live revocation is not deleted: only its end makes the id usable again.
    remove: named(`DELETE FROM ${table} WHERE id = $1 AND (revoked IS NULL OR expires_at <= now()) RETURNING ${LIVE}`),
    touch: named(`UPDATE ${table} SET expires_at = ${expiresIn("$2")} WHERE id = $1 AND ${LIVE}`),
    entry: named(`SELECT encode(data, 'base64'), ${epochMs("expires_at")}, owner FROM ${table} WHERE id = $1 AND ${LIVE}`),
    revoke: named(revokeText(table)),
    sessionsOf: named(`SELECT id, ${epochMs("expires_at")} FROM ${table} WHERE owner = $1 AND ${LIVE_BY_OWNER}`),
    // Each row's WHERE is checked again on its newest version once locked, so the count is of sessions this statement revoked.
    removeSessionsOf: named(
      `UPDATE ${table} SET ${REVOKED_ROW}, expires_at = greatest(expires_at, ${expiresIn("$3")}) ` +
        "WHERE owner = $1 AND ($2::text IS NULL OR id <> $2) AND " +
        LIVE_BY_OWNER,
    ),
    entriesBatch: named(
      `SELECT id, encode(data, 'base64'), ${epochMs("expires_at")}, owner FROM ${table} ` +
        `WHERE id > $1 AND ${LIVE} ORDER BY id LIMIT $2`,
    ),
    count: { text: `SELECT count(*)::float8 FROM ${table} WHERE ${LIVE}` },
    clearBatch: { text: clearBatchText(table) },
    // The sweep's statements are planned at each run with their real values, not prepared:
    // a generic plan cannot see that `expires_at >= $1` covers half the table and picks a
    // bitmap scan and a sort of every expired row, per batch. Planning costs far less than
    // a batch, and sweeping is not the hot path.
    sweepBatch: { text: sweepBatchText(table, sweepBatchSize) },
    sweepBlocks: { text: sweepBlocksText(table) },
    sweepSize: {
      // The literal holds checked, quoted identifiers only.
      text:
        `SELECT (pg_relation_size('${table}'::regclass) / current_setting('block_size')::int8)::float8, ${isoText("now()")}, ` +
        "current_setting('server_version_num')::int",
    },
    // Statistics only, no scan: cheap enough to run before every large sweep.
    sweepEstimate: { text: `EXPLAIN (FORMAT JSON) SELECT 1 FROM ${table} WHERE expires_at <= now()` },
  };
}

/** A row that holds a session: not expired, not a revocation. */
const LIVE = "expires_at > now() AND revoked IS NULL";

/**
 * LIVE for the rows the owner index found, as a filter the expiry index cannot serve:
 * without statistics (a fresh table, autovacuum off) the planner otherwise ANDs the
 * owner index with a scan of the expiry index over every live row, O(namespace).
 */
const LIVE_BY_OWNER = "(expires_at > now()) IS TRUE AND revoked IS NULL";

/** What a revocation keeps of a row: its id and expiry only. */
const REVOKED_ROW = "data = ''::bytea, owner = NULL, revoked = true";

/**
 * The upsert replaces data, expiry and owner together, unless the row is a live
 * revocation: then it writes nothing and its rowCount is 0. An ended revocation is
 * overwritten like an expired session.
 */
function storeText(table: string, owner: string): string {
  return (
    `INSERT INTO ${table} AS s (id, data, expires_at, owner) VALUES ($1, $2, ${expiresIn("$3")}, ${owner}) ` +
    "ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at, owner = excluded.owner, revoked = NULL " +
    "WHERE s.revoked IS NULL OR s.expires_at <= now()"
  );
}

/**
 * Turns the row into a revocation lasting until the later of its own live expiry
 * and now + grace, inserting one if there is no row. The CTE reads the row as it
 * was before the statement (every part of one statement shares its snapshot), so
 * RETURNING can tell whether a live session was revoked.
 */
function revokeText(table: string): string {
  return [
    `WITH before AS (SELECT ${LIVE} AS live FROM ${table} WHERE id = $1)`,
    `INSERT INTO ${table} AS s (id, data, expires_at, revoked) VALUES ($1, ''::bytea, ${expiresIn("$2")}, true)`,
    `ON CONFLICT (id) DO UPDATE SET ${REVOKED_ROW},`,
    "  expires_at = CASE WHEN s.expires_at > now() THEN greatest(s.expires_at, excluded.expires_at) ELSE excluded.expires_at END",
    "RETURNING coalesce((SELECT live FROM before), false)",
  ].join("\n");
}

/**
 * One batch of `clear`, in id order from where the last one ended (each batch walks
 * the primary key from there, never again over rows already deleted). The DELETE
 * checks its WHERE again on a row changed since the batch was read, so a session
 * revoked in the meantime stays revoked.
 */
function clearBatchText(table: string): string {
  return [
    `WITH batch AS (SELECT id FROM ${table} WHERE id > $1 AND revoked IS NULL ORDER BY id LIMIT $2),`,
    `deleted AS (DELETE FROM ${table} WHERE id IN (SELECT id FROM batch) AND revoked IS NULL RETURNING expires_at > now() AS live)`,
    "SELECT (SELECT count(*)::int FROM batch), (SELECT count(*)::int FROM deleted WHERE live), (SELECT max(id) FROM batch)",
  ].join("\n");
}

/** A timestamptz as epoch ms, rounded up to the next whole ms so the session is over by then. */
function epochMs(timestamp: string): string {
  return `ceil(extract(epoch FROM ${timestamp}) * 1000)::float8`;
}

/** The expiry `ttl` ms from the database's now(); float8 keeps TTLs past 2^31 ms exact. */
function expiresIn(ttlParameter: string): string {
  return `now() + ${ttlParameter}::float8 * interval '1 millisecond'`;
}

/**
 * One bounded batch, in expiry order: walk the expiry index from `$1` (ORDER BY keeps
 * the planner on it even when half the table has expired), lock up to `batchSize`
 * rows no other sweeper holds, delete them by ctid, and return how many went and
 * where the next batch starts, so no batch walks again over the index entries of the
 * rows the batches before it deleted. SKIP LOCKED lets several processes sweep at
 * once, each row deleted by exactly one of them. The batch size is a literal so the
 * planner sees the real LIMIT.
 */
function sweepBatchText(table: string, batchSize: number): string {
  return [
    "WITH batch AS (",
    `  SELECT ctid, expires_at FROM ${table} WHERE expires_at >= $1::timestamptz AND expires_at <= now()`,
    `  ORDER BY expires_at LIMIT ${batchSize} FOR UPDATE SKIP LOCKED`,
    `), deleted AS (DELETE FROM ${table} WHERE ctid = ANY (ARRAY(SELECT ctid FROM batch)) RETURNING 1)`,
    `SELECT (SELECT count(*)::int FROM deleted), (SELECT ${isoText("max(expires_at)")} FROM batch), ${NO_FLUSH_WAIT}`,
  ].join("\n");
}

/**
 * One range of heap blocks, in physical order: a TID range scan reads just those
 * blocks, locks the expired rows no other sweeper holds, and deletes them by ctid.
 */
function sweepBlocksText(table: string): string {
  return [
    `WITH deleted AS (DELETE FROM ${table} WHERE ctid = ANY (ARRAY(`,
    `  SELECT ctid FROM ${table} WHERE ctid >= $1::tid AND ctid < $2::tid AND expires_at <= now() FOR UPDATE SKIP LOCKED`,
    ")) RETURNING 1)",
    `SELECT (SELECT count(*)::int FROM deleted), ${NO_FLUSH_WAIT}`,
  ].join("\n");
}

/**
 * Turns off `synchronous_commit` for the statement's own transaction only: a sweep
 * statement commits without waiting for its WAL to reach the disk. Should the server
 * crash first, the rows it deleted come back already expired, `load` still ignores
 * them and the next sweep deletes them again; nothing stored is ever at stake. It
 * spares the disk (and the app's commits queued behind it) one flush per statement.
 */
const NO_FLUSH_WAIT = "set_config('synchronous_commit', 'off', true)";

/** A timestamptz as ISO 8601 text in UTC: read back the same whatever the session's DateStyle and TimeZone. */
function isoText(timestamp: string): string {
  return `to_char(${timestamp} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/**
 * Prepared statement names are per connection and cut at 63 bytes by the server, so
 * the name is a hash of the text: stores over different tables sharing a caller's
 * pool never clash, and identical statements share one preparation.
 */
function named(text: string): Statement {
  return { name: `session_store_${createHash("sha256").update(text).digest("hex").slice(0, 24)}`, text };
}
