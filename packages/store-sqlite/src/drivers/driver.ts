/**
 * What the store needs from a SQLite database, met as they are by better-sqlite3's
 * `Database`, node:sqlite's `DatabaseSync` (Node 22.5+) and bun:sqlite's `Database`.
 * Rows come back as objects (no `.pluck()`: node:sqlite has none); BLOBs as a
 * Buffer (better-sqlite3) or a Uint8Array (the other two); `changes` may be a bigint.
 */
export interface SqliteStatement {
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { readonly changes: number | bigint };
}

/** An open SQLite database of any supported flavour. */
export interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  exec(sql: string): unknown;
  close(): unknown;
}

/** Whether `value` has the shape of a supported database. */
export function isSqliteDatabase(value: unknown): value is SqliteDatabase {
  const db = value as Partial<Record<keyof SqliteDatabase, unknown>> | null;
  return typeof db?.prepare === "function" && typeof db.exec === "function" && typeof db.close === "function";
}
