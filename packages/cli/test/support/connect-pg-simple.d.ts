declare module "connect-pg-simple" {
  import type session from "express-session";
  import type { Pool } from "pg";

  interface Options {
    pool: Pool;
    schemaName?: string;
    tableName?: string;
    createTableIfMissing?: boolean;
    pruneSessionInterval?: false | number;
  }
  export default function connectPgSimple(expressSession: typeof session): new (options: Options) => session.Store;
}
