import { createHash } from "node:crypto";
import { checkIdentifier, quoteIdentifier } from "@session-store/core/adapter";
import { DEFAULT_SCHEMA, DEFAULT_TABLE } from "./options.js";

/** Where the sessions live. Both names are checked identifiers (see `checkIdentifier`). */
export interface TableName {
  readonly schema: string;
  readonly table: string;
}

/** What `schemaSql` needs; the same fields as the store's options. */
export interface SchemaSqlOptions {
  readonly schema?: string;
  readonly table?: string;
  readonly unlogged?: boolean;
}

/** PostgreSQL cuts longer identifiers, which could make two index names collide. */
const MAX_IDENTIFIER_LENGTH = 63;
const INDEX_SUFFIX = "_expires_at_idx";
const OWNER_INDEX_SUFFIX = "_owner_idx";

/** `"schema"."table"`. */
export function qualifiedName({ schema, table }: TableName): string {
  return `${quoteIdentifier(schema, "schema")}.${quoteIdentifier(table, "table")}`;
}

/** The expiry index's name: `<table>_expires_at_idx`, or a shortened form with a hash that stays unique. */
export function expiryIndexName(table: string): string {
  return indexName(table, INDEX_SUFFIX);
}

/** The owner index's name: `<table>_owner_idx`, shortened the same way. */
export function ownerIndexName(table: string): string {
  return indexName(table, OWNER_INDEX_SUFFIX);
}

function indexName(table: string, suffix: string): string {
  if (table.length + suffix.length <= MAX_IDENTIFIER_LENGTH) return `${table}${suffix}`;
  const hash = createHash("sha256").update(table).digest("hex").slice(0, 8);
  return `${table.slice(0, MAX_IDENTIFIER_LENGTH - suffix.length - 9)}_${hash}${suffix}`;
}

/** The owner index, partial: sessions stored without an owner are not in it. */
export function ownerIndexSql(name: TableName, concurrently: boolean): string {
  const how = concurrently ? "INDEX CONCURRENTLY" : "INDEX";
  return `CREATE ${how} IF NOT EXISTS ${quoteIdentifier(ownerIndexName(name.table))} ON ${qualifiedName(name)} (owner) WHERE owner IS NOT NULL;`;
}

/**
 * The DDL the store runs on first use, as text, for operators who create the table
 * themselves and run the store with `createSchema: false`. Idempotent.
 */
export function schemaSql(options: SchemaSqlOptions = {}): string {
  return `${tableSql(options)}${ownerIndexSql(tableName(options), false)}\n`;
}

function tableName(options: SchemaSqlOptions): TableName {
  return {
    schema: checkIdentifier(options.schema ?? DEFAULT_SCHEMA, "schema"),
    table: checkIdentifier(options.table ?? DEFAULT_TABLE, "table"),
  };
}

/**
 * The table and its expiry index. `owner` and `revoked` are nullable and last, so a
 * table of the first shape (id, data, expires_at) upgrades by adding them (see
 * `upgradeSql`). A revoked row keeps its id until `expires_at`, with empty data and no owner.
 */
function tableSql(options: SchemaSqlOptions): string {
  const name = tableName(options);
  const lines: string[] = [];
  if (name.schema !== DEFAULT_SCHEMA) lines.push(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(name.schema, "schema")};`);
  lines.push(
    `CREATE ${options.unlogged ? "UNLOGGED " : ""}TABLE IF NOT EXISTS ${qualifiedName(name)} (`,
    "  id text PRIMARY KEY,",
    "  data bytea NOT NULL,",
    "  expires_at timestamptz NOT NULL,",
    "  owner text,",
    "  revoked boolean",
    ");",
    `CREATE INDEX IF NOT EXISTS ${quoteIdentifier(expiryIndexName(name.table))} ON ${qualifiedName(name)} (expires_at);`,
  );
  return `${lines.join("\n")}\n`;
}

/**
 * The DDL as the store runs it: one simple-protocol message, so one transaction,
 * that first takes a transaction-scoped advisory lock per schema. `IF NOT EXISTS`
 * alone still races (two sessions both pass the check, then one fails on a
 * pg_type or index name), so processes starting at once take turns instead.
 */
export function lockedSchemaSql(options: SchemaSqlOptions, lockTimeoutMs: number): string {
  const name = tableName(options);
  // The schema name is a checked identifier, so it cannot end the string literal.
  return [
    `SELECT pg_advisory_xact_lock(hashtext('session-store:${name.schema}'));`,
    // Only the DDL waits this long for a table lock; a call queued behind it would wait too.
    `SET LOCAL lock_timeout = ${Math.max(1, Math.ceil(lockTimeoutMs))};`,
    tableSql(options) + upgradeSql(name) + emptyTableOwnerIndexSql(name),
    ownerIndexStateSql(name),
  ].join("\n");
}

/**
 * Adds the columns of session management to a table of the first shape. ALTER TABLE
 * takes an ACCESS EXCLUSIVE lock even when the columns exist, so it runs only when
 * one is missing; adding a nullable column without a default changes only the
 * catalog, and the lock_timeout set before it keeps it from queueing the table's
 * traffic behind a long transaction (the call fails and the next one tries again).
 */
export function upgradeSql(name: TableName): string {
  const table = qualifiedName(name);
  // The literal holds checked, quoted identifiers only.
  return [
    "DO $$ BEGIN",
    `  IF (SELECT count(*) FROM pg_attribute WHERE attrelid = '${table}'::regclass AND attname IN ('owner', 'revoked') AND NOT attisdropped) < 2 THEN`,
    `    ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS owner text, ADD COLUMN IF NOT EXISTS revoked boolean;`,
    "  END IF;",
    "END $$;",
    "",
  ].join("\n");
}

/**
 * On an empty table (a new one, most often) the owner index is built right here, in
 * the DDL's transaction, at no cost. On a table with rows it is left to a concurrent
 * build outside the transaction (owner-index.ts), which blocks no writes.
 */
function emptyTableOwnerIndexSql(name: TableName): string {
  const table = qualifiedName(name);
  const index = `${quoteIdentifier(name.schema, "schema")}.${quoteIdentifier(ownerIndexName(name.table))}`;
  return [
    "DO $$ BEGIN",
    `  IF to_regclass('${index}') IS NULL AND NOT EXISTS (SELECT 1 FROM ${table}) THEN`,
    `    ${ownerIndexSql(name, false)}`,
    "  END IF;",
    "END $$;",
    "",
  ].join("\n");
}

/** → one row, one column: whether the owner index exists and is valid (a failed concurrent build leaves an invalid one). */
function ownerIndexStateSql(name: TableName): string {
  return `SELECT coalesce((SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass('${quoteIdentifier(name.schema, "schema")}.${quoteIdentifier(ownerIndexName(name.table))}')), false) AS owner_index_valid;`;
}

/**
 * The statements that upgrade a table of the first shape (id, data, expires_at) to
 * this one, for operators who run the store with `createSchema: false`. Run each on
 * its own, outside a transaction (CREATE INDEX CONCURRENTLY refuses one), ideally
 * after `SET lock_timeout = '1s'`, retrying on a lock timeout. Idempotent.
 */
export function migrationSql(options: SchemaSqlOptions = {}): string[] {
  const name = tableName(options);
  return [
    `ALTER TABLE ${qualifiedName(name)} ADD COLUMN IF NOT EXISTS owner text, ADD COLUMN IF NOT EXISTS revoked boolean;`,
    ownerIndexSql(name, true),
  ];
}

/**
 * → one row: whether the table exists (`table_exists`) and has the management columns
 * (`upgraded`). Run at setup under `createSchema: false`, so a missing table fails the
 * first call with a message that says what to run rather than a bare "relation does
 * not exist".
 */
export function tableStateSql(name: TableName): string {
  const table = qualifiedName(name);
  // The literal holds checked, quoted identifiers only.
  return [
    `SELECT to_regclass('${table}') IS NOT NULL AS table_exists,`,
    `  (SELECT count(*) FROM pg_attribute WHERE attrelid = to_regclass('${table}') AND attname IN ('owner', 'revoked') AND NOT attisdropped) = 2 AS upgraded;`,
  ].join("\n");
}

/** Why a table made by the operator cannot be used, naming what to run; undefined when it can. */
export function tableStateProblem(name: TableName, state: { table_exists?: boolean; upgraded?: boolean } | undefined): string | undefined {
  // The helper's call comes first: an error message keeps only its first 200 characters.
  const call = `({ schema: "${name.schema}", table: "${name.table}" })`;
  if (state?.table_exists !== true) return `createSchema is false: create the table with the DDL of schemaSql${call}; ${qualifiedName(name)} does not exist`;
  if (state.upgraded !== true) return `createSchema is false: run the statements of migrationSql${call}; ${qualifiedName(name)} lacks the owner and revoked columns`;
  return undefined;
}
