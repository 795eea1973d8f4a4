import { HOUR } from "@session-store/harness";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { PostgresStore } from "../src/index.js";
import { adminPool, backend, onQuery, ownedStore, uniqueAppName, url } from "./support.js";

const bytes = (text: string) => new TextEncoder().encode(text);

describe.skipIf(backend.skip !== undefined)(
  backend.skip ? `postgres call order and close (skipped: ${backend.skip})` : "postgres call order and close",
  () => {
    const admin = adminPool();
    const schema = backend.newNamespace();

    afterAll(async () => {
      await backend.cleanup();
      await admin.end();
    });

    it("keeps call order per id on a pool: a touch sent right after a store, unawaited, finds the row", async () => {
      const store = ownedStore({ schema, table: "order_touch", max: 8 });
      try {
        await store.store("warm", bytes("x"), HOUR);
        const ids = Array.from({ length: 40 }, (_, i) => `id-${i}`);
        const touched = await Promise.all(
          ids.map((id) => {
            void store.store(id, bytes("x"), HOUR);
            return store.touch(id, HOUR);
          }),
        );
        expect(touched.filter((found) => !found).length).toBe(0);
      } finally {
        await store.close();
      }
    });

    it("a sweep that close() stops between statements resolves the count so far", async () => {
      const pool = new pg.Pool({ connectionString: url, max: 2, application_name: uniqueAppName("sweep-close") });
      pool.on("error", () => undefined);
      const store = new PostgresStore({ pool, schema, table: "sweep_close", sweepBatchSize: 10 });
      const table = `"${schema}"."sweep_close"`;
      let closing: Promise<void> | undefined;
      // close() right as the sweep sends its size statement: the next statement is past close.
      onQuery(pool, (config) => {
        if (closing === undefined && config.text.includes("pg_relation_size")) closing = store.close();
      });
      try {
        await store.store("live", bytes("x"), HOUR);
        await admin.query(
          `INSERT INTO ${table} (id, data, expires_at) SELECT 'e' || g, '\\x00', now() - interval '1 hour' FROM generate_series(1, 50) g`,
        );
        const deleted = await store.sweep();
        expect(closing).toBeDefined();
        expect(deleted).toBe(10);
      } finally {
        await (closing ?? store.close());
        await pool.end();
      }
    });
  },
);
