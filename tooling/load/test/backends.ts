/** The backends every reliability test runs on, dropped after the file; what the conformance suite needs to know of each. */
import type { CreateOptions, StoreCapabilities } from "@session-store/conformance";
import type { ManagedSessionStore } from "@session-store/core";
import type { Backend } from "@session-store/harness";
import { harness } from "@session-store/harness";
import { openStore } from "@session-store/open";
import BetterSqlite3 from "better-sqlite3";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll } from "vitest";
import { sqliteFile } from "../src/bench/cases/sqlite.js";

export const backends = await Promise.all((["memory", "sqlite", "redis", "postgres"] as const).map((name) => harness(name)));
afterAll(() => Promise.all(backends.map((backend) => backend.cleanup())));

export const capabilities: Record<string, StoreCapabilities> = {
  memory: { expiry: "sweep", clock: "process" },
  sqlite: { expiry: "sweep", sharedNamespace: true, clock: "process" },
  redis: { expiry: "native", sharedNamespace: true },
  postgres: { expiry: "sweep", sharedNamespace: true },
};

/** Opens our store over `namespace`; a conformance check's `revocationGraceMs` travels as the URL parameter. */
export function open(backend: Backend, namespace?: string, options: CreateOptions = {}): Promise<ManagedSessionStore> {
  const url = backend.storeUrl(namespace);
  if (options.revocationGraceMs === undefined) return openStore(url);
  return openStore(`${url}${url.includes("?") ? "&" : "?"}revocationGraceMs=${options.revocationGraceMs}`);
}

/** Every id the backend holds in `namespace`, read directly (absent for memory, which has nothing outside the store). */
export async function heldIds(backend: Backend, namespace: string): Promise<string[]> {
  if (backend.name === "sqlite") {
    const db = new BetterSqlite3(sqliteFile(backend.storeUrl(namespace)).path);
    const ids = db.prepare<[], string>(`SELECT id FROM "${namespace}"`).pluck().all();
    db.close();
    return ids;
  }
  if (backend.name === "redis") {
    const client = new Redis(backend.url as string);
    const keys: string[] = [];
    for await (const batch of client.scanStream({ match: `${namespace}:*`, count: 1000 })) keys.push(...(batch as string[]));
    await client.quit();
    // Keys holding a NUL are the store's own (owner indexes), never a session's.
    return keys.filter((key) => !key.includes("\0")).map((key) => key.slice(namespace.length + 1));
  }
  const client = new pg.Client({ connectionString: backend.url });
  await client.connect();
  const { rows } = await client.query<{ id: string }>(`SELECT id FROM "${namespace}"`).finally(() => client.end());
  return rows.map((row) => row.id);
}
