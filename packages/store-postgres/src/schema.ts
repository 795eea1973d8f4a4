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

/** `"schema"."table"`. */
export function qualifiedName({ schema, table }: TableName): string {
  return `${quoteIdentifier(schema, "schema")}.${quoteIdentifier(table, "table")}`;
}

/** The expiry index's name: `<table>_expires_at_idx`, or a shortened form with a hash that stays unique. */
export function expiryIndexName(table: string): string {
  if (table.length + INDEX_SUFFIX.length <= MAX_IDENTIFIER_LENGTH) return `${table}${INDEX_SUFFIX}`;
  const hash = createHash("sha256").update(table).digest("hex").slice(0, 8);
  return `${table.slice(0, MAX_IDENTIFIER_LENGTH - INDEX_SUFFIX.length - 9)}_${hash}${INDEX_SUFFIX}`;
}

/**
 * The DDL the store runs on first use, as text, for operators who create the table
 * themselves and run the store with `createSchema: false`. Idempotent.
 */
export function schemaSql(options: SchemaSqlOptions = {}): string {
  const name = {
    schema: checkIdentifier(options.schema ?? DEFAULT_SCHEMA, "schema"),
    table: checkIdentifier(options.table ?? DEFAULT_TABLE, "table"),
  };
  const lines: string[] = [];
  if (name.schema !== DEFAULT_SCHEMA) lines.push(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(name.schema, "schema")};`);
  lines.push(
    `CREATE ${options.unlogged ? "UNLOGGED " : ""}TABLE IF NOT EXISTS ${qualifiedName(name)} (`,
    "  id text PRIMARY KEY,",
    "  data bytea NOT NULL,",
    "  expires_at timestamptz NOT NULL",
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
export function lockedSchemaSql(options: SchemaSqlOptions): string {
  const schema = checkIdentifier(options.schema ?? DEFAULT_SCHEMA, "schema");
  // The schema name is a checked identifier, so it cannot end the string literal.
  return `SELECT pg_advisory_xact_lock(hashtext('session-store:${schema}'));\n${schemaSql(options)}`;
}
