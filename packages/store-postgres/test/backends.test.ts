import { HOUR, startPostgresCluster, waitFor } from "@session-store/harness";
import type { OwnPostgres } from "@session-store/harness";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresStore } from "../src/index.js";
import { backend, uniqueAppName } from "./support.js";

const bytes = (text: string) => new TextEncoder().encode(text);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The first store creates the table; on a busy machine that may take longer than the tests' short deadline. */
const warm = (store: PostgresStore) =>
  waitFor("the table", () => store.store("warm", bytes("x"), HOUR).then(() => true, () => false), 30_000);

const MAX_CONNECTIONS = 30;
const POOL_SIZE = 4;
const TIMEOUT_MS = 100;

// A cluster of our own, with few connections: a leak of backends shows as a count, and cannot starve the shared server.
describe.skipIf(backend.skip !== undefined)(
  backend.skip ? `postgres server backends (skipped: ${backend.skip})` : "postgres server backends",
  () => {
    let server: OwnPostgres;
    let admin: pg.Pool;

    beforeAll(async () => {
      server = await startPostgresCluster({ settings: { max_connections: String(MAX_CONNECTIONS) } });
      admin = new pg.Pool({ connectionString: server.url, max: 2 });
      admin.on("error", () => undefined);
    }, 60_000);

    afterAll(async () => {
      await admin?.end();
      await server?.stop();
    }, 60_000);

    const backends = async (applicationName: string) =>
      (await admin.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1", [applicationName])).rows[0]!.n;

    it("a caller's pool: calls timed out behind a lock leave no backend running (200 calls, lock held)", async () => {
      const applicationName = uniqueAppName("backends");
      const pool = new pg.Pool({ connectionString: server.url, max: POOL_SIZE, application_name: applicationName, connectionTimeoutMillis: 1000 });
      pool.on("error", () => undefined);
      const store = new PostgresStore({ pool, table: "held", timeoutMs: TIMEOUT_MS });
      const locker = await admin.connect();
      let most = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          most = Math.max(most, await backends(applicationName));
          await sleep(20);
        }
      })();
      try {
        await warm(store);
        await locker.query('BEGIN; LOCK TABLE "public"."held" IN ACCESS EXCLUSIVE MODE');
        let rejected = 0;
        // Four callers, as many as the pool has connections, each making its calls one after another.
        await Promise.all(
          Array.from({ length: POOL_SIZE }, async (_, worker) => {
            for (let i = 0; i < 200 / POOL_SIZE; i++) {
              await store.load(`id-${worker}-${i}`).catch(() => (rejected += 1));
            }
          }),
        );
        expect(rejected).toBe(200);
        await locker.query("ROLLBACK");
        await waitFor("the store to work again", () => store.load("warm").then((data) => data !== undefined, () => false));
      } finally {
        sampling = false;
        await sampler;
        await locker.query("ROLLBACK").catch(() => undefined);
        locker.release();
        await store.close();
        await pool.end();
      }
      // The pool's connections, plus the odd one dropped and not yet ended on the server.
      expect(most).toBeLessThanOrEqual(POOL_SIZE + 3);
    }, 60_000);

    it("a store-owned pool: the server's statement_timeout ends each timed-out statement", async () => {
      const applicationName = uniqueAppName("backends-owned");
      const store = new PostgresStore({ connection: { connectionString: server.url, max: POOL_SIZE }, applicationName, table: "owned", timeoutMs: TIMEOUT_MS });
      const locker = await admin.connect();
      let most = 0;
      try {
        await warm(store);
        await locker.query('BEGIN; LOCK TABLE "public"."owned" IN ACCESS EXCLUSIVE MODE');
        await Promise.all(
          Array.from({ length: POOL_SIZE }, async (_, worker) => {
            for (let i = 0; i < 200 / POOL_SIZE; i++) {
              await store.load(`id-${worker}-${i}`).catch(() => undefined);
              if (i % 10 === 0) most = Math.max(most, await backends(applicationName));
            }
          }),
        );
        await locker.query("ROLLBACK");
        await waitFor("the store to work again", () => store.load("warm").then((data) => data !== undefined, () => false));
      } finally {
        await locker.query("ROLLBACK").catch(() => undefined);
        locker.release();
        await store.close();
      }
      expect(most).toBeLessThanOrEqual(POOL_SIZE + 3);
    }, 60_000);
  },
);
