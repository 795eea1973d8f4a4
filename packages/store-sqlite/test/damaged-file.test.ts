import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { SessionStoreError } from "@session-store/core";
import { HOUR } from "@session-store/harness";
import { afterAll, describe, expect, it } from "vitest";
import { SqliteStore } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "session-store-sqlite-damaged-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const bytes = (label: string) => new TextEncoder().encode(label);

describe("damaged files", () => {
  it("a file that is not a database rejects every operation with the driver's cause", async () => {
    const path = join(dir, "corrupt.sqlite");
    writeFileSync(path, Buffer.alloc(8_192, "not a database "));
    const store = new SqliteStore({ path });
    for (const operation of [store.load("a"), store.store("a", bytes("a"), HOUR), store.remove("a")]) {
      const error = await operation.catch((reason: unknown) => reason);
      expect(error).toBeInstanceOf(SessionStoreError);
      expect(String((error as Error).cause)).toMatch(/not a database/);
    }
    await store.close();
  });

  it("a database with damaged pages rejects reads of them instead of returning wrong data", async () => {
    const path = join(dir, "damaged-pages.sqlite");
    const writer = new SqliteStore({ path });
    for (let i = 0; i < 50; i++) await writer.store(`s-${i}`, new Uint8Array(1_000), HOUR);
    await writer.close();
    // Keep page 1 (header and schema), overwrite every page after it.
    const damaged = readFileSync(path);
    damaged.fill(0xa5, 4_096);
    writeFileSync(path, damaged);
    const store = new SqliteStore({ path });
    const error = await store.load("s-10").catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(SessionStoreError);
    expect(String((error as Error).cause)).toMatch(/malformed/);
    await store.close();
  });

  it("a read-only database loads, and every write rejects without resolving a result", async () => {
    const path = join(dir, "read-only.sqlite");
    const writer = new SqliteStore({ path });
    await writer.store("a", bytes("a"), HOUR);
    await writer.close();
    // A read-only connection, not file modes: root (as in CI containers) writes through 0444.
    const db = new BetterSqlite3(path, { readonly: true });
    try {
      const store = new SqliteStore({ database: db });
      expect(await store.load("a")).toEqual(Buffer.from("a"));
      for (const [operation, write] of [
        ["store", store.store("b", bytes("b"), HOUR)],
        ["remove", store.remove("a")],
        ["touch", store.touch("a", 2 * HOUR)],
      ] as const) {
        await expect(write).rejects.toMatchObject({ backend: "sqlite", operation });
      }
      expect(await store.load("a")).toEqual(Buffer.from("a"));
      await store.close();
    } finally {
      db.close();
    }
  });
});
