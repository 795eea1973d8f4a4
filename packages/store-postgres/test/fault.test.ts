import { SessionStoreError } from "@session-store/core";
import { freePort, HOUR, settle, startTcpProxy, waitFor } from "@session-store/harness";
import pg from "pg";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { PostgresStore } from "../src/index.js";
import { adminPool, backend, uniqueAppName, url } from "./support.js";

const TIMEOUT_MS = 800;
/** How late a timer may fire on a loaded two-core machine. */
const TIMER_SLACK_MS = 700;
const bytes = (text: string) => new TextEncoder().encode(text);

/** Unhandled rejections and uncaught exceptions seen while a test runs: there must be none. */
const problems: unknown[] = [];
const record = (error: unknown) => problems.push(error);
beforeEach(() => {
  problems.length = 0;
  process.on("unhandledRejection", record);
  process.on("uncaughtException", record);
});
afterEach(() => {
  process.off("unhandledRejection", record);
  process.off("uncaughtException", record);
  expect(problems).toEqual([]);
});

/** Every operation of the store, so each is shown to fail (or work) the same way. */
function everyOperation(store: PostgresStore): Array<[string, () => Promise<unknown>]> {
  return [
    ["load", () => store.load("a")],
    ["store", () => store.store("a", bytes("x"), HOUR)],
    ["remove", () => store.remove("a")],
    ["touch", () => store.touch("a", HOUR)],
    ["sweep", () => store.sweep()],
  ];
}

describe.skipIf(backend.skip !== undefined)(
  backend.skip ? `postgres faults (skipped: ${backend.skip})` : "postgres faults",
  () => {
    const admin = adminPool();
    const schema = backend.newNamespace();
    let tables = 0;

    afterAll(async () => {
      await backend.cleanup();
      await admin.end();
    });

    /** Ends, from the server side, every connection named `applicationName` (only this test's own). */
    async function terminate(applicationName: string, where = "true"): Promise<number> {
      const { rows } = await admin.query(
        `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000))::int AS n FROM pg_stat_activity WHERE application_name = $1 AND ${where}`,
        [applicationName],
      );
      return rows[0].n;
    }

    it("survives its idle connections being terminated: no crash, and the next call works", async () => {
      const applicationName = uniqueAppName("idle");
      const store = new PostgresStore({ connection: { connectionString: url, max: 3 }, schema, table: `t${++tables}`, applicationName });
      try {
        await store.store("a", bytes("x"), HOUR);
        await Promise.all([store.load("a"), store.load("a"), store.load("a")]);
        const open = store.pool.totalCount;
        expect(open).toBeGreaterThan(0);
        expect(await terminate(applicationName)).toBe(open);
        // The pool drops each client when its connection reports the end: wait for that signal.
        await waitFor("the pool to drop the dead clients", () => store.pool.totalCount === 0);
        expect(new TextDecoder().decode(await store.load("a"))).toBe("x");
      } finally {
        await store.close();
      }
    });

    it("on a caller's pool, the caller's own 'error' listener hears the idle termination and the next call works", async () => {
      const applicationName = uniqueAppName("caller");
      const pool = new pg.Pool({ connectionString: url, max: 2, application_name: applicationName });
      const heard: unknown[] = [];
      pool.on("error", (error) => heard.push(error));
      const store = new PostgresStore({ pool, schema, table: `t${++tables}` });
      try {
        await store.store("a", bytes("x"), HOUR);
        expect(await terminate(applicationName)).toBeGreaterThan(0);
        await waitFor("the pool to drop the dead client", () => pool.totalCount === 0);
        expect(heard.length).toBeGreaterThan(0);
        expect(new TextDecoder().decode(await store.load("a"))).toBe("x");
      } finally {
        await store.close();
        await pool.end();
      }
    });

    it("rejects a load whose connection is terminated mid-statement with a SessionStoreError, then works", async () => {
      const applicationName = uniqueAppName("midload");
      const table = `t${++tables}`;
      const store = new PostgresStore({ connection: url, schema, table, applicationName, timeoutMs: 10_000 });
      const locker = await admin.connect();
      try {
        await store.store("a", bytes("x"), HOUR);
        // Hold a lock the load must wait for, so it is certainly in flight when its backend ends.
        await locker.query(`BEGIN; LOCK TABLE "${schema}"."${table}" IN ACCESS EXCLUSIVE MODE`);
        const loading = settle(store.load("a"));
        const waiting = async () =>
          (await admin.query("SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'", [applicationName]))
            .rowCount === 1;
        await waitFor("the load to wait on the lock", waiting);
        expect(await terminate(applicationName, "wait_event_type = 'Lock'")).toBe(1);
        const { error } = await loading;
        expect(error).toBeInstanceOf(SessionStoreError);
        expect((error as SessionStoreError).operation).toBe("load");
        expect(((error as Error).cause as { code?: string }).code).toBe("57P01");
        await locker.query("ROLLBACK");
        expect(new TextDecoder().decode(await store.load("a"))).toBe("x");
      } finally {
        await locker.query("ROLLBACK").catch(() => undefined);
        locker.release();
        await store.close();
      }
    });

    it("rejects every call with a SessionStoreError within the bound when nothing listens on the port", async () => {
      // A port the OS just gave out and took back: nothing listens on it.
      const port = await freePort();
      const secret = "hunter2-secret";
      const store = new PostgresStore({ connection: `postgres://someone:${secret}@127.0.0.1:${port}/db`, timeoutMs: TIMEOUT_MS });
      try {
        for (const [operation, call] of everyOperation(store)) {
          const { error, ms } = await settle(call());
          expect(error, operation).toBeInstanceOf(SessionStoreError);
          expect(ms, operation).toBeLessThan(TIMEOUT_MS + TIMER_SLACK_MS);
          expect((error as Error).message, operation).not.toContain(secret);
          expect((error as Error).message, operation).not.toContain(`${port}/db`);
        }
      } finally {
        await store.close();
      }
    });

    it("rejects every call within the bound against a server that accepts and never answers, and lets go of its sockets", async () => {
      const blackhole = await startTcpProxy({ host: "127.0.0.1", port: await freePort() }, "blackhole");
      const store = new PostgresStore({ connection: `postgres://someone@127.0.0.1:${blackhole.port}/db`, timeoutMs: TIMEOUT_MS });
      try {
        const results = await Promise.all(everyOperation(store).map(async ([operation, call]) => ({ operation, ...(await settle(call())) })));
        for (const { operation, error, ms } of results) {
          expect(error, operation).toBeInstanceOf(SessionStoreError);
          expect((error as Error).message, operation).toMatch(/timed out|timeout/i);
          expect(ms, operation).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
          expect(ms, operation).toBeLessThan(TIMEOUT_MS + TIMER_SLACK_MS);
        }
        expect(blackhole.connections().accepted).toBeGreaterThan(0);
        // pg's own connect timeout (the same bound) ends the abandoned attempts.
        await waitFor("the abandoned connections to close", () => blackhole.connections().open === 0, TIMEOUT_MS + 5_000);
        const closing = await settle(store.close());
        expect(closing.error).toBeUndefined();
      } finally {
        await store.close();
        await blackhole.stop();
      }
    });

    it("works again, without a restart, once the server is reachable again", async () => {
      const target = new URL(url);
      const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
      const proxied = new URL(url);
      proxied.port = String(proxy.port);
      const store = new PostgresStore({ connection: proxied.href, schema, table: `t${++tables}`, timeoutMs: TIMEOUT_MS, applicationName: uniqueAppName("proxy") });
      try {
        await store.store("a", bytes("x"), HOUR);
        // Down: new connections refused, the open ones cut.
        proxy.mode("refuse");
        proxy.dropConnections();
        for (const [operation, call] of everyOperation(store)) {
          const { error, ms } = await settle(call());
          expect(error, operation).toBeInstanceOf(SessionStoreError);
          expect(ms, operation).toBeLessThan(TIMEOUT_MS + TIMER_SLACK_MS);
        }
        proxy.mode("pass");
        expect(new TextDecoder().decode(await store.load("a"))).toBe("x");
        expect(await store.touch("a", HOUR)).toBe(true);
      } finally {
        await store.close();
        await proxy.stop();
      }
    });
  },
);
