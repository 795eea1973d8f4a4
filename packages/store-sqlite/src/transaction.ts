import type { SqliteDatabase } from "./drivers/driver.js";

/**
 * Runs `work` in a `BEGIN IMMEDIATE` transaction: the write lock is taken first (waiting
 * up to the busy timeout), so what `work` reads cannot change before it writes, and no
 * other connection's commit can make the upgrade to a writer fail. Commits, or rolls
 * back and rethrows; a failed COMMIT (e.g. SQLITE_FULL) rejects as well, so a resolved
 * call is a committed one.
 */
export function immediateTransaction<T>(db: SqliteDatabase, work: () => T): T {
  db.exec("BEGIN IMMEDIATE");
  try {
    const result = work();
    db.exec("COMMIT");
    return result;
  } catch (error) {
    rollBack(db);
    throw error;
  }
}

/** SQLite may have rolled back by itself (SQLITE_FULL can), so a ROLLBACK with no transaction is not an error here. */
function rollBack(db: SqliteDatabase): void {
  try {
    db.exec("ROLLBACK");
  } catch {
    // No transaction was active: nothing to undo.
  }
}
