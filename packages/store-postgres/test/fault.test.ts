import { createServer } from "node:net";
import type { AddressInfo, Server, Socket } from "node:net";
import { SessionStoreError } from "@session-store/core";
import pg from "pg";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { PostgresStore } from "../src/index.js";
import { adminPool, backend, Created, HOUR, settle, uniqueAppName, url, waitFor } from "./support.js";

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
    const created = new Created();
    const schema = created.schema();
    let tables = 0;

    afterAll(async () => {
      await created.drop(admin);
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
      const port = await closedPort();
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
      const blackhole = await startBlackhole();
      const store = new PostgresStore({ connection: `postgres://someone@127.0.0.1:${blackhole.port}/db`, timeoutMs: TIMEOUT_MS });
      try {
        const results = await Promise.all(everyOperation(store).map(async ([operation, call]) => ({ operation, ...(await settle(call())) })));
        for (const { operation, error, ms } of results) {
          expect(error, operation).toBeInstanceOf(SessionStoreError);
          expect((error as Error).message, operation).toMatch(/timed out|timeout/i);
          expect(ms, operation).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
          expect(ms, operation).toBeLessThan(TIMEOUT_MS + TIMER_SLACK_MS);
        }
        expect(blackhole.accepted()).toBeGreaterThan(0);
        // pg's own connect timeout (the same bound) ends the abandoned attempts.
        await waitFor("the abandoned connections to close", () => blackhole.open() === 0, TIMEOUT_MS + 5_000);
        const closing = await settle(store.close());
        expect(closing.error).toBeUndefined();
      } finally {
        await store.close();
        await blackhole.stop();
      }
    });

    it("works again, without a restart, once the server is reachable again", async () => {
      const proxy = await startProxy(new URL(url));
      const proxied = new URL(url);
      proxied.port = String(proxy.port);
      const store = new PostgresStore({ connection: proxied.href, schema, table: `t${++tables}`, timeoutMs: TIMEOUT_MS, applicationName: uniqueAppName("proxy") });
      try {
        await store.store("a", bytes("x"), HOUR);
        await proxy.down();
        for (const [operation, call] of everyOperation(store)) {
          const { error, ms } = await settle(call());
          expect(error, operation).toBeInstanceOf(SessionStoreError);
          expect(ms, operation).toBeLessThan(TIMEOUT_MS + TIMER_SLACK_MS);
        }
        await proxy.up();
        expect(new TextDecoder().decode(await store.load("a"))).toBe("x");
        expect(await store.touch("a", HOUR)).toBe(true);
      } finally {
        await store.close();
        await proxy.down();
      }
    });
  },
);

/** A loopback port nothing listens on: one the OS just gave out and took back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function listen(server: Server, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** A TCP server on a loopback port that accepts connections and never says a word. */
async function startBlackhole() {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
    // Read and drop what the client sends, so its hang-up is seen; never answer.
    socket.resume();
  });
  const port = await listen(server);
  return {
    port,
    accepted: () => accepted,
    open: () => sockets.size,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A loopback TCP proxy to the real server that can be taken down (refusing, connections cut) and brought back on its port. */
async function startProxy(target: URL) {
  const sockets = new Set<Socket>();
  const { connect } = await import("node:net");
  const handle = (client: Socket) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => undefined);
      socket.on("close", () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  };
  let server = createServer(handle);
  const port = await listen(server);
  let running = true;
  return {
    port,
    down: async () => {
      if (!running) return;
      running = false;
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
    up: async () => {
      server = createServer(handle);
      await listen(server, port);
      running = true;
    },
  };
}
