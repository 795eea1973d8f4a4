import type { Statement } from "better-sqlite3";
import type { Database } from "./options.js";
import { quoteIdentifier } from "./schema.js";

/** Every statement the store runs, prepared once per store. Ids and times are always bound parameters. */
export interface Statements {
  /** (id, now) -> data of the live row, or undefined. */
  readonly load: Statement<[string, number], Buffer>;
  /** (id, data, expiresAt): insert or replace data and expiry in one statement. */
  readonly store: Statement<[string, Uint8Array, number]>;
  /** (id) -> the deleted row's expires_at, or undefined when there was none. */
  readonly remove: Statement<[string], number>;
  /** (expiresAt, id, now): moves a live row's expiry; `changes` is 1 when it was live. */
  readonly touch: Statement<[number, string, number]>;
  /** (now, limit): deletes up to `limit` expired rows. */
  readonly sweep: Statement<[number, number]>;
}

/** Prepares the store's statements on `db`; exported so a benchmark can run exactly these, with nothing around them. */
export function prepareStatements(db: Database, table: string): Statements {
  const t = quoteIdentifier(table);
  return {
    load: db.prepare<[string, number], Buffer>(`SELECT data FROM ${t} WHERE id = ? AND expires_at > ?`).pluck(),
    store: db.prepare<[string, Uint8Array, number]>(
      `INSERT INTO ${t} (id, data, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at`,
    ),
    remove: db.prepare<[string], number>(`DELETE FROM ${t} WHERE id = ? RETURNING expires_at`).pluck(),
    touch: db.prepare<[number, string, number]>(`UPDATE ${t} SET expires_at = ? WHERE id = ? AND expires_at > ?`),
    // Bounded by rowid so each statement holds the write lock briefly, however many rows expired.
    sweep: db.prepare<[number, number]>(
      `DELETE FROM ${t} WHERE rowid IN (SELECT rowid FROM ${t} WHERE expires_at <= ? LIMIT ?)`,
    ),
  };
}
