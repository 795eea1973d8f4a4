// A table of the first shape (before session management) with sessions in it: the store
// upgrades it in place (createTable: true), or the operator runs upgradeSql (createTable: false).
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import BetterSqlite3 from "better-sqlite3";
import { SessionStoreError } from "@session-store/core";
import { HOUR } from "@session-store/harness";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { schemaSql, SqliteStore, upgradeSql } from "../src/index.js";

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL("..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "session-store-sqlite-upgrade-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const newPath = () => join(dir, `old-${++files}.sqlite`);
const bytes = (label: string) => new TextEncoder().encode(label);

/** The DDL of the first shape, as `git show HEAD:packages/store-sqlite/src/schema.ts` had it before issue 14. */
const FIRST_SHAPE = `CREATE TABLE IF NOT EXISTS "sessions" (
  id TEXT PRIMARY KEY NOT NULL,
  data BLOB NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS "sessions_expires_at" ON "sessions" (expires_at);
`;

const connections: BetterSqlite3.Database[] = [];
afterEach(() => {
  for (const db of connections.splice(0)) db.close();
});

/** A file holding the first shape with two live sessions and an expired one. */
function oldFile(): { path: string; db: BetterSqlite3.Database } {
  const path = newPath();
  const db = new BetterSqlite3(path, { timeout: 5_000 });
  connections.push(db);
  db.exec(FIRST_SHAPE);
  const insert = db.prepare(`INSERT INTO sessions (id, data, expires_at) VALUES (?, ?, ?)`);
  insert.run("old-1", Buffer.from("one"), Date.now() + HOUR);
  insert.run("old-2", Buffer.from("two"), Date.now() + HOUR);
  insert.run("old-expired", Buffer.from("gone"), Date.now() - 1_000);
  return { path, db };
}

const columns = (db: BetterSqlite3.Database) =>
  (db.prepare("SELECT name, type, \"notnull\", dflt_value FROM pragma_table_info('sessions')").all() as object[]);

/** The sessions of the first shape still load, and every management operation works on them. */
async function expectManagementWorks(store: SqliteStore): Promise<void> {
  expect(await store.load("old-1")).toEqual(Buffer.from("one"));
  expect(await store.entry("old-2")).toMatchObject({ data: Buffer.from("two") });
  expect(await store.entry("old-2")).not.toHaveProperty("owner");
  expect(await store.load("old-expired")).toBeUndefined();
  expect(await store.count()).toBe(2);
  expect(await store.store("new", bytes("new"), HOUR, { owner: "alice" })).toBe(true);
  expect(await store.store("old-1", bytes("one again"), HOUR, { owner: "alice" })).toBe(true);
  expect((await store.sessionsOf("alice")).map((s) => s.id).sort()).toEqual(["new", "old-1"]);
  expect(await store.revoke("old-2")).toBe(true);
  expect(await store.store("old-2", bytes("back"), HOUR)).toBe(false);
  expect(await store.removeSessionsOf("alice", { except: "new" })).toBe(1);
  const ids: string[] = [];
  for await (const entry of store.entries({ batchSize: 1 })) ids.push(entry.id);
  expect(ids).toEqual(["new"]);
  expect(await store.sweep()).toBe(1);
  expect(await store.clear()).toBe(1);
}

describe("a table of the first shape", () => {
  it("createTable: true adds the nullable columns and the owner index; old rows load and management works", async () => {
    const { path, db } = oldFile();
    const store = new SqliteStore({ path });
    await expectManagementWorks(store);
    await store.close();

    expect(columns(db)).toEqual([
      { name: "id", type: "TEXT", notnull: 1, dflt_value: null },
      { name: "data", type: "BLOB", notnull: 1, dflt_value: null },
      { name: "expires_at", type: "INTEGER", notnull: 1, dflt_value: null },
      { name: "owner", type: "TEXT", notnull: 0, dflt_value: null },
      { name: "revoked", type: "INTEGER", notnull: 0, dflt_value: null },
    ]);
    const indexes = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'sessions' ORDER BY name").pluck().all();
    expect(indexes).toEqual(["sessions_expires_at", "sessions_owner", "sqlite_autoindex_sessions_1"]);
  });

  it("the upgraded table has exactly the columns of a new one", () => {
    const { db } = oldFile();
    db.exec(upgradeSql("sessions"));
    const fresh = new BetterSqlite3(":memory:");
    connections.push(fresh);
    fresh.exec(schemaSql("sessions"));
    expect(columns(db)).toEqual(columns(fresh));
  });

  it("opening it again, or from a second store at once, upgrades nothing twice", async () => {
    const { path } = oldFile();
    const first = new SqliteStore({ path });
    const second = new SqliteStore({ path });
    expect(await first.load("old-1")).toEqual(Buffer.from("one"));
    expect(await second.load("old-1")).toEqual(Buffer.from("one"));
    await Promise.all([first.close(), second.close()]);
    const again = new SqliteStore({ path });
    expect(await again.count()).toBe(2);
    await again.close();
  });

  it("several processes opening it at once each find it upgraded", async () => {
    const { path } = oldFile();
    const script = [
      `import { SqliteStore } from "@session-store/store-sqlite";`,
      `const store = new SqliteStore({ path: process.argv[1] });`,
      `const count = await store.count();`,
      `await store.store("p-" + process.pid, new Uint8Array([1]), 60_000, { owner: "p" });`,
      `await store.close();`,
      `console.log(count);`,
    ].join("\n");
    // Uses the built package (dist/): run `pnpm --filter @session-store/store-sqlite build` first.
    const children = [1, 2, 3, 4].map(() => run(process.execPath, ["--input-type=module", "-e", script, path], { cwd: packageDir, timeout: 30_000 }));
    const outputs = await Promise.all(children);
    for (const { stdout, stderr } of outputs) {
      expect(stderr).toBe("");
      expect(Number(stdout)).toBeGreaterThanOrEqual(2);
    }
    const store = new SqliteStore({ path });
    expect(await store.sessionsOf("p")).toHaveLength(4);
    await store.close();
  });

  it("createTable: false rejects with what to run, and works once the operator ran upgradeSql", async () => {
    const { path, db } = oldFile();
    const store = new SqliteStore({ path, createTable: false });
    const error = await store.load("old-1").catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(SessionStoreError);
    expect((error as Error).message).toMatch(/table "sessions" lacks the owner and revoked columns.*createTable is false.*upgradeSql\("sessions"\)/);
    expect(columns(db)).toHaveLength(3);

    db.exec(upgradeSql());
    await expectManagementWorks(store);
    await store.close();
  });
});

describe("README", () => {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  const sqlBlocks = [...readme.matchAll(/```sql\n([\s\S]*?)```/g)].map((match) => match[1]);

  it("shows the DDL schemaSql() runs and the migration upgradeSql() prints, as they are", () => {
    expect(sqlBlocks).toContain(schemaSql().trimEnd() + "\n");
    expect(sqlBlocks).toContain(upgradeSql().trimEnd() + "\n");
  });
});
