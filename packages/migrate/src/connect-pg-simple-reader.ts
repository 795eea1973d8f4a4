import type { ListedEntry, SessionEntry } from "@session-store/core";
import { checkKnownOptions, checkOptionsObject, quoteIdentifier } from "@session-store/core/adapter";
import type { Page } from "./reader-base.js";
import { ReaderBase } from "./reader-base.js";
import { sessionBytes } from "./session-reader.js";

/** A `pg` Pool or Client, by the one method the reader calls. */
export interface Queryable {
  query<Row>(text: string, values?: unknown[]): Promise<{ rows: Row[] }>;
}

/** A pg.Pool the reader opened itself from a connection string. */
interface OwnPool extends Queryable {
  end(): Promise<void>;
  on(event: "error", listener: () => void): unknown;
}

export type ConnectPgSimpleReaderOptions = {
  /** connect-pg-simple's `schemaName` option. Default: the connection's search_path. */
  readonly schemaName?: string;
  /** connect-pg-simple's `tableName` option. Default "session". */
  readonly tableName?: string;
} & (
  | {
      /** The caller's pg Pool (or Client); the reader never ends it. */
      readonly pool: Queryable;
      readonly connectionString?: undefined;
    }
  | {
      readonly pool?: undefined;
      /** `postgres://…`: the reader opens a pg Pool of its own (needs the `pg` package) and ends it on close. */
      readonly connectionString: string;
    }
);

interface Row {
  readonly sid: string;
  readonly sess: string;
  readonly expires_at: number;
}

/**
 * The expiry as epoch ms. connect-pg-simple keeps `expire` as a `timestamp` without
 * time zone written through `to_timestamp()`, so it is read back under the same
 * session TimeZone (the server's default, as connect-pg-simple's connections have).
 */
const COLUMNS = `sid, sess::text AS sess, (extract(epoch FROM expire::timestamptz) * 1000)::float8 AS expires_at`;

/**
 * Reads what connect-pg-simple wrote: a table `session` (sid, sess json, expire
 * timestamp). `entry` is one indexed lookup by sid; `entries` pages by keyset on
 * sid (the primary key), `batchSize` rows per query; `count` is one `count(*)` of
 * the live rows (a scan of the table). Rows whose `expire` has passed are not
 * sessions, whether or not connect-pg-simple has pruned them yet.
 */
export class ConnectPgSimpleReader extends ReaderBase<string> {
  readonly #table: string;
  readonly #pool: Queryable | undefined;
  readonly #connectionString: string | undefined;
  #ownPool: Promise<OwnPool> | undefined;

  constructor(options: ConnectPgSimpleReaderOptions) {
    super("connect-pg-simple");
    checkOptionsObject(options, "ConnectPgSimpleReader");
    checkKnownOptions(options, ["pool", "connectionString", "schemaName", "tableName"], "ConnectPgSimpleReader");
    const table = quoteIdentifier(options.tableName ?? "session", "tableName");
    this.#table = options.schemaName === undefined ? table : `${quoteIdentifier(options.schemaName, "schemaName")}.${table}`;
    if (options.pool !== undefined) {
      if (typeof options.pool.query !== "function") throw new TypeError("pool must be a pg Pool or Client");
      this.#pool = options.pool;
    } else if (typeof options.connectionString === "string") {
      this.#connectionString = options.connectionString;
    } else {
      throw new TypeError("ConnectPgSimpleReader needs a pool or a connectionString");
    }
  }

  protected async readEntry(id: string): Promise<SessionEntry | undefined> {
    const { rows } = await (await this.#queryable()).query<Row>(
      `SELECT ${COLUMNS} FROM ${this.#table} WHERE sid = $1 AND expire > now()`,
      [id],
    );
    const row = rows[0];
    return row === undefined ? undefined : toEntry(row);
  }

  protected async readPage(cursor: string | undefined, size: number): Promise<Page<string>> {
    const pool = await this.#queryable();
    const { rows } =
      cursor === undefined
        ? await pool.query<Row>(`SELECT ${COLUMNS} FROM ${this.#table} WHERE expire > now() ORDER BY sid LIMIT $1`, [size])
        : await pool.query<Row>(`SELECT ${COLUMNS} FROM ${this.#table} WHERE sid > $1 AND expire > now() ORDER BY sid LIMIT $2`, [cursor, size]);
    const entries: ListedEntry[] = rows.map((row) => ({ id: row.sid, ...toEntry(row) }));
    return { entries, next: rows.length < size ? undefined : rows[rows.length - 1]?.sid };
  }

  protected async countLive(): Promise<number> {
    const { rows } = await (await this.#queryable()).query<{ count: number }>(
      `SELECT count(*)::float8 AS count FROM ${this.#table} WHERE expire > now()`,
    );
    return rows[0]?.count ?? 0;
  }

  protected async roundTrip(): Promise<void> {
    await (await this.#queryable()).query("SELECT 1");
  }

  protected async release(): Promise<void> {
    const own = this.#ownPool;
    this.#ownPool = undefined;
    if (own) await (await own.catch(() => undefined))?.end();
  }

  #queryable(): Promise<Queryable> {
    if (this.#pool) return Promise.resolve(this.#pool);
    this.#ownPool ??= openPool(this.#connectionString as string);
    return this.#ownPool;
  }
}

const toEntry = (row: Row): SessionEntry => ({ data: sessionBytes(row.sess), expiresAt: row.expires_at });

async function openPool(connectionString: string): Promise<OwnPool> {
  const pg = (await import("pg")).default;
  const pool = new pg.Pool({ connectionString, max: 4, application_name: "session-store-migrate" }) as unknown as OwnPool;
  pool.on("error", () => undefined);
  return pool;
}
