import { execFileSync } from "node:child_process";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { commandSkip, settle, skipOrFail, startPostgresCluster } from "../src/index.js";
import { isRunning } from "../src/own-process.js";

// pg_createcluster writes under /etc/postgresql and /var/lib/postgresql: root only.
const skip = process.getuid?.() === 0 ? await commandSkip("postgres", "pg_createcluster") : skipOrFail("postgres", "pg_createcluster needs root");

async function query(url: string, text: string, connectionTimeoutMillis = 5_000): Promise<Record<string, unknown> | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis });
  client.on("error", () => undefined);
  try {
    await client.connect();
    return (await client.query(text)).rows[0];
  } finally {
    await client.end().catch(() => undefined);
  }
}

describe.skipIf(skip !== undefined)(skip ? `own PostgreSQL cluster (${skip})` : "own PostgreSQL cluster", () => {
  it("starts with the encoding and settings asked for, answers while running, hangs while paused, and is dropped by stop()", async () => {
    const server = await startPostgresCluster({ encoding: "LATIN1", settings: { work_mem: "8MB" } });
    try {
      expect(server.url).toBe(`postgres://postgres@127.0.0.1:${server.port}/postgres`);
      expect(await query(server.url, "SHOW server_encoding")).toEqual({ server_encoding: "LATIN1" });
      expect(await query(server.url, "SHOW work_mem")).toEqual({ work_mem: "8MB" });
      expect(await query(server.url, "SHOW listen_addresses")).toEqual({ listen_addresses: "127.0.0.1" });

      server.pause();
      const paused = await settle(query(server.url, "SELECT 1", 500));
      expect((paused.error as Error).message).toMatch(/timeout/i);
      server.resume();
      expect(await query(server.url, "SELECT 1 AS one")).toEqual({ one: 1 });

      await server.kill();
      expect(isRunning(server.pid)).toBe(false);
    } finally {
      await server.stop();
    }
    expect(execFileSync("pg_lsclusters", ["-h"], { encoding: "utf8" })).not.toContain(server.cluster);
  });
});
