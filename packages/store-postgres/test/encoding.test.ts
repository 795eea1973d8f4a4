import { HOUR, startPostgresCluster } from "@session-store/harness";
import type { OwnPostgres } from "@session-store/harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { PostgresStore, schemaSql } from "../src/index.js";
import { backend } from "./support.js";

const EMOJI_ID = "sess-\u{1F600}-\u00E9";
/** The id's UTF-8 bytes as PostgreSQL quotes them ("0xf0 0x9f ..."), and the id itself. */
const idBytes = [...Buffer.from("\u{1F600}")].map((byte) => `0x${byte.toString(16)}`).join(" ");

describe.skipIf(backend.skip !== undefined)(
  backend.skip ? `postgres database encoding (skipped: ${backend.skip})` : "postgres database encoding",
  () => {
    let latin1: OwnPostgres | undefined;

    beforeAll(async () => {
      latin1 = await startPostgresCluster({ encoding: "LATIN1" });
    }, 30_000);
    afterAll(async () => {
      await latin1?.stop();
    }, 30_000);

    it("takes any id on a SQL_ASCII database", async () => {
      const sqlAscii = await startPostgresCluster({ encoding: "SQL_ASCII" });
      const store = new PostgresStore({ connection: { connectionString: sqlAscii.url, max: 2 } });
      try {
        await store.store(EMOJI_ID, new Uint8Array([7]), HOUR);
        expect([...((await store.load(EMOJI_ID)) ?? [])]).toEqual([7]);
        expect(await store.touch(EMOJI_ID, HOUR)).toBe(true);
      } finally {
        await store.close();
        await sqlAscii.stop();
      }
    }, 30_000);

    for (const createSchema of [true, false]) {
      it(`refuses a LATIN1 database clearly at setup (createSchema: ${createSchema}), never quoting id bytes`, async () => {
        const table = `enc_${createSchema}`;
        if (!createSchema) await runOn(latin1!.url, schemaSql({ table }));
        const store = new PostgresStore({ connection: { connectionString: latin1!.url, max: 2 }, createSchema, table });
        try {
          const error = await store.store(EMOJI_ID, new Uint8Array([1]), HOUR).then(
            () => undefined,
            (caught: unknown) => caught as Error,
          );
          expect(error?.message).toMatch(/UTF8/);
          expect(error?.message).toMatch(/LATIN1/);
          const everything = `${error?.message} ${String((error?.cause as Error | undefined)?.message)}`;
          expect(everything).not.toContain(idBytes);
          expect(everything).not.toContain(EMOJI_ID);
        } finally {
          await store.close();
        }
      });
    }
  },
);

async function runOn(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
