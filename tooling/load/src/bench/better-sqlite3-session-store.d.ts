/** The package ships no types: what the bench uses of it. */
declare module "better-sqlite3-session-store" {
  import type { Database } from "better-sqlite3";
  import type session from "express-session";

  interface BetterSqlite3StoreOptions {
    client: Database;
    expired?: { clear?: boolean; intervalMs?: number };
  }

  export default function createStore(
    expressSession: typeof session,
  ): new (options: BetterSqlite3StoreOptions) => session.Store;
}
