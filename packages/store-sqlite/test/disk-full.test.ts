import { closeSync, openSync, writeSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { SessionStoreError } from "@session-store/core";
import { HOUR, mountTinyTmpfs, settle } from "@session-store/harness";
import { afterAll, expect, it } from "vitest";
import { SqliteStore } from "../src/index.js";

const tmpfs = await mountTinyTmpfs(512);
let opened: SqliteStore | undefined;
// Close first even when the test failed midway: an open file keeps the tmpfs busy.
afterAll(async () => {
  await opened?.close();
  await tmpfs?.unmount();
});

const data = new Uint8Array(2_048).fill(7);
const fillerPath = () => join(tmpfs!.dir, "filler");

/** Writes a file until the tmpfs has no byte left, so every write SQLite makes needs space it cannot get. */
function fillTheDisk(): void {
  const fd = openSync(fillerPath(), "w");
  const chunk = Buffer.alloc(4_096);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
  } finally {
    closeSync(fd);
  }
}

/** Runs `use` on a fresh connection to `path`, closed afterwards. */
function withFile(path: string, use: (db: BetterSqlite3.Database) => void): void {
  const db = new BetterSqlite3(path, { timeout: 5_000 });
  try {
    use(db);
  } finally {
    db.close();
  }
}

/** Each write must resolve only what it committed: reopening the file shows exactly what resolved. */
it.skipIf(tmpfs === undefined)("on a full disk every write either takes effect or rejects", async () => {
  const path = join(tmpfs!.dir, "full.sqlite");
  const store = (opened = new SqliteStore({ path }));
  await store.store("first", data, HOUR, { owner: "owner" });
  const expired = 5;
  withFile(path, (db) => {
    const insert = db.prepare("INSERT INTO sessions (id, data, expires_at) VALUES (?, ?, ?)");
    for (let i = 0; i < expired; i++) insert.run(`expired-${i}`, Buffer.from("x"), Date.now() - 1_000);
  });
  const stored: string[] = [];
  for (let i = 0; ; i++) {
    const outcome = await settle(store.store(`s-${i}`, data, HOUR));
    if (outcome.error !== undefined) {
      expect(outcome.error).toBeInstanceOf(SessionStoreError);
      break;
    }
    stored.push(`s-${i}`);
  }
  expect(stored.length).toBeGreaterThan(10);
  fillTheDisk();

  const [touched, ...removable] = stored;
  const removed = new Set<string>();
  let rejected = 0;
  for (const id of removable) {
    const outcome = await settle(store.remove(id));
    if (outcome.error === undefined) {
      if (outcome.value === true) removed.add(id);
    } else {
      expect(outcome.error).toMatchObject({ backend: "sqlite", operation: "remove" });
      rejected++;
    }
  }
  const touch = await settle(store.touch(touched!, 10 * HOUR));
  // A removal that rejected left its session in place: revoke one of those.
  const kept = removable.find((id) => !removed.has(id))!;
  const revoke = await settle(store.revoke(kept));
  const removeSessionsOf = await settle(store.removeSessionsOf("owner"));
  const late = await settle(store.store("late", data, HOUR));
  const sweep = await settle(store.sweep());
  console.info(
    `full disk: ${removed.size} removes resolved true, ${rejected} rejected; touch ${touch.error ? "rejected" : "resolved"};`,
    `store ${late.error ? "rejected" : "resolved"}; sweep ${sweep.error ? "rejected" : `resolved ${sweep.value}`};`,
    `revoke ${revoke.error ? "rejected" : "resolved"}; removeSessionsOf ${removeSessionsOf.error ? "rejected" : `resolved ${removeSessionsOf.value}`}`,
  );
  await store.close();

  await rm(fillerPath());
  withFile(path, (db) => {
    const live = new Set(db.prepare("SELECT id FROM sessions").pluck().all() as string[]);
    const stillThere = [...removed].filter((id) => live.has(id));
    expect(stillThere, `${removed.size} removes resolved true, ${rejected} rejected`).toEqual([]);
    for (const id of removable) if (!removed.has(id)) expect(live.has(id), id).toBe(true);
    expect(live.has("first")).toBe(true);
    if (late.error === undefined) expect(live.has("late")).toBe(true);
    if (touch.error === undefined) {
      const expiresAt = db.prepare("SELECT expires_at FROM sessions WHERE id = ?").pluck().get(touched) as number;
      expect(expiresAt).toBeGreaterThan(Date.now() + 2 * HOUR);
    }
    const revokedOnDisk = (id: string) => (db.prepare("SELECT revoked FROM sessions WHERE id = ?").pluck().get(id) as number | null) === 1;
    expect(revokedOnDisk(kept)).toBe(revoke.error === undefined);
    expect(revokedOnDisk("first")).toBe(removeSessionsOf.error === undefined && removeSessionsOf.value === 1);
    const expiredLeft = [...live].filter((id) => id.startsWith("expired-")).length;
    expect(expiredLeft).toBe(sweep.error === undefined ? expired - sweep.value! : expired);
  });
  // The disk really was full: some writes could not commit.
  expect(rejected).toBeGreaterThan(0);
});
