import { quoteIdentifier } from "@session-store/core/adapter";

/**
 * The SQL of every statement the store runs, prepared once per store. Ids, owners and
 * times are always bound parameters. A row is a session when `revoked IS NULL`, a
 * revocation (empty data, no owner, `expires_at` = its end) when not; either is live
 * while `expires_at > now`.
 */
export interface Statements {
  /** (id, now) -> data of the live session, or no row. The store plucks the one column. */
  readonly load: string;
  /** (id, now) -> data, expires_at, owner of the live session, or no row. */
  readonly entry: string;
  /**
   * (id, data, expiresAt, owner, now): inserts or replaces data, expiry and owner in one
   * statement, unless the id holds a live revocation; `changes` is 1 when it wrote.
   */
  readonly store: string;
  /** (id) -> the deleted session's expires_at, or no row when there was none. A revocation stays. */
  readonly remove: string;
  /** (expiresAt, id, now): moves a live session's expiry; `changes` is 1 when it was live. */
  readonly touch: string;
  /** (id, now) -> a row when the id holds a live session (revoke reads it in its transaction). */
  readonly isLive: string;
  /** (id, end): makes the row a revocation lasting until the later of `end` and the row's own expiry. */
  readonly revoke: string;
  /** (owner, now) -> id, expires_at of the owner's live sessions, through the owner index. */
  readonly sessionsOf: string;
  /** (end, owner, now, except): revokes the owner's live sessions but `except` (NULL: none); `changes` counts them. */
  readonly removeSessionsOf: string;
  /** (afterId, now, limit) -> the next `limit` live sessions by id (keyset pagination). */
  readonly entries: string;
  /** (now) -> n: the live sessions. */
  readonly count: string;
  /** (limit) -> the expires_at of up to `limit` sessions (not revocations) it deleted. */
  readonly clear: string;
  /** (now, limit): deletes up to `limit` expired rows, ended revocations included. */
  readonly sweep: string;
}

/** The statements over `table`, as text. */
export function statementsFor(table: string): Statements {
  const t = quoteIdentifier(table, "table");
  const liveSession = "expires_at > ? AND revoked IS NULL";
  const revocation = "data = X'', owner = NULL, revoked = 1";
  return {
    load: `SELECT data FROM ${t} WHERE id = ? AND ${liveSession}`,
    entry: `SELECT data, expires_at, owner FROM ${t} WHERE id = ? AND ${liveSession}`,
    // The WHERE of DO UPDATE reads the existing row: a live revocation makes it write nothing.
    store: `INSERT INTO ${t} (id, data, expires_at, owner) VALUES (?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at, owner = excluded.owner, revoked = NULL
       WHERE revoked IS NULL OR expires_at <= ?`,
    remove: `DELETE FROM ${t} WHERE id = ? AND revoked IS NULL RETURNING expires_at`,
    touch: `UPDATE ${t} SET expires_at = ? WHERE id = ? AND ${liveSession}`,
    isLive: `SELECT 1 AS live FROM ${t} WHERE id = ? AND ${liveSession}`,
    // max(): a live session's own expiry or a live revocation's end, when later than the grace's.
    revoke: `INSERT INTO ${t} (id, data, expires_at, revoked) VALUES (?, X'', ?, 1)
       ON CONFLICT (id) DO UPDATE SET ${revocation}, expires_at = max(expires_at, excluded.expires_at)`,
    sessionsOf: `SELECT id, expires_at FROM ${t} WHERE owner = ? AND ${liveSession}`,
    removeSessionsOf: `UPDATE ${t} SET ${revocation}, expires_at = max(expires_at, ?)
       WHERE owner = ? AND ${liveSession} AND id IS NOT ?`,
    entries: `SELECT id, data, expires_at, owner FROM ${t} WHERE id > ? AND ${liveSession} ORDER BY id LIMIT ?`,
    count: `SELECT count(*) AS n FROM ${t} WHERE ${liveSession}`,
    // Bounded by rowid like sweep, so each statement holds the write lock briefly.
    clear: `DELETE FROM ${t} WHERE rowid IN (SELECT rowid FROM ${t} WHERE revoked IS NULL LIMIT ?) RETURNING expires_at`,
    // Bounded by rowid so each statement holds the write lock briefly, however many rows expired.
    sweep: `DELETE FROM ${t} WHERE rowid IN (SELECT rowid FROM ${t} WHERE expires_at <= ? LIMIT ?)`,
  };
}
