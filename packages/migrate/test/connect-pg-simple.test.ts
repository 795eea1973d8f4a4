import { SessionStoreError } from "@session-store/core";
import { ExpressSessionStore } from "@session-store/express";
import { harness } from "@session-store/harness";
import { PostgresStore } from "@session-store/store-postgres";
import connectPgSimple from "connect-pg-simple";
import session from "express-session";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConnectPgSimpleReader, migrating } from "../src/index.js";
import type { App } from "./support/app.js";
import { Browser, startApp } from "./support/app.js";

const HOUR = 3_600_000;
const backend = await harness("postgres");
const text = (data: Uint8Array | undefined) => (data === undefined ? undefined : new TextDecoder().decode(data));
const PgSessionStore = connectPgSimple(session);

describe.skipIf(backend.skip !== undefined)(`connect-pg-simple reader${backend.skip ? ` (skipped: ${backend.skip})` : ""}`, () => {
  // The harness drops a schema of each name it handed out: the peer's table and ours live in it.
  const schemaName = backend.newNamespace();
  const tableName = "user_sessions";
  let pool: pg.Pool;
  let peerStore: InstanceType<typeof PgSessionStore>;
  let peerApp: App;
  const browsers = [new Browser(), new Browser(), new Browser()];
  const sids: string[] = [];
  const reader = () => new ConnectPgSimpleReader({ pool, schemaName, tableName });

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: backend.url, max: 4 });
    await pool.query(`CREATE SCHEMA "${schemaName}"`);
    // The peer app as users run it today: express-session over real connect-pg-simple.
    peerStore = new PgSessionStore({ pool, schemaName, tableName, createTableIfMissing: true, pruneSessionInterval: false });
    peerApp = await startApp(peerStore, HOUR);
    for (const [index, browser] of browsers.entries()) sids.push((await browser.request(peerApp, "POST", `/login?name=user${index}`)).sid);
    // An expired row connect-pg-simple has not pruned yet is no session.
    await pool.query(`INSERT INTO "${schemaName}"."${tableName}" (sid, sess, expire) VALUES ('stale', '{"cookie":{}}', now() - interval '1 minute')`);
  });

  afterAll(async () => {
    await peerApp?.close();
    await peerStore?.close();
    await pool?.end();
    await backend.cleanup();
  });

  it("entry is the row's JSON as UTF-8 bytes and its exact expire, in epoch ms", async () => {
    const sid = sids[0] as string;
    const { rows } = await pool.query<{ sess: string; ms: number }>(
      `SELECT sess::text AS sess, (extract(epoch FROM expire::timestamptz) * 1000)::float8 AS ms FROM "${schemaName}"."${tableName}" WHERE sid = $1`,
      [sid],
    );
    const entry = await reader().entry(sid);
    expect(text(entry?.data)).toBe(rows[0]?.sess);
    expect(entry?.expiresAt).toBe(rows[0]?.ms);
    // connect-pg-simple keeps whole seconds, rounded up from the cookie's expiry.
    expect((entry?.expiresAt as number) % 1000).toBe(0);
    const cookieExpires = new Date((JSON.parse(text(entry?.data) as string) as { cookie: { expires: string } }).cookie.expires).getTime();
    expect(entry?.expiresAt).toBe(Math.ceil(cookieExpires / 1000) * 1000);
    expect(text(await reader().load(sid))).toBe(rows[0]?.sess);
  });

  it("an absent id and an expired row are no session", async () => {
    expect(await reader().entry("absent")).toBeUndefined();
    expect(await reader().load("stale")).toBeUndefined();
  });

  it("entries pages by sid and lists every live session once; count agrees", async () => {
    const listed = [];
    for await (const entry of reader().entries({ batchSize: 1 })) listed.push(entry.id);
    expect(listed.sort()).toEqual([...sids].sort());
    expect(await reader().count()).toBe(sids.length);
  });

  it("writes reject: the reader is read-only", async () => {
    const error = await reader().remove(sids[0] as string).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(SessionStoreError);
    expect((error as Error).message).toMatch(/read-only/);
    await expect(reader().store("x", new Uint8Array([1]), HOUR)).rejects.toThrow(/read-only/);
    await expect(reader().touch("x", HOUR)).rejects.toThrow(/read-only/);
  });

  it("reads over a connection string with its own pool, ended on close", async () => {
    const own = new ConnectPgSimpleReader({ connectionString: backend.url as string, schemaName, tableName });
    expect(await own.count()).toBe(sids.length);
    await own.close();
    await expect(own.count()).rejects.toThrow(/closed/);
  });

  it("ping resolves on the live server and rejects naming ping after close", async () => {
    const pinged = reader();
    await expect(pinged.ping()).resolves.toBeUndefined();
    await pinged.close();
    await expect(pinged.ping()).rejects.toMatchObject({ backend: "connect-pg-simple", operation: "ping" });
  });

  it("refuses a table name that is not a plain identifier", () => {
    expect(() => new ConnectPgSimpleReader({ pool, tableName: 'x"; DROP TABLE y; --' })).toThrow();
    // connect-pg-simple's own spelling is tableName; a misspelt option is refused, not ignored.
    expect(() => new ConnectPgSimpleReader({ pool, table: "session" } as never)).toThrow(/did you mean `tableName`/);
  });

  it("our bridge reads a connect-pg-simple session unchanged", async () => {
    const { rows } = await pool.query<{ sess: string }>(`SELECT sess::text AS sess FROM "${schemaName}"."${tableName}" WHERE sid = $1`, [sids[1]]);
    const session = await new ExpressSessionStore(reader()).get(sids[1] as string);
    // Exactly what express-session saved through connect-pg-simple, cookie and all.
    expect(session).toEqual(JSON.parse(rows[0]?.sess as string));
    expect(session?.user).toBe("user1");
  });

  describe("the switch: the app moves to our PostgresStore behind migrating", () => {
    let app: App;
    let ours: PostgresStore;

    beforeAll(async () => {
      await peerApp.close();
      ours = new PostgresStore({ pool, schema: schemaName, table: "ours" });
      app = await startApp(new ExpressSessionStore(migrating({ from: reader(), to: ours })), HOUR);
    });
    afterAll(async () => {
      await app?.close();
    });

    it("a session moves with the peer's exact expiry", async () => {
      const sid = sids[2] as string;
      const peer = (await reader().entry(sid))?.expiresAt as number;
      await migrating({ from: reader(), to: ours }).entry(sid);
      // The TTL left is taken before the write: ours ends later by at most the write's latency.
      const moved = (await ours.entry(sid))?.expiresAt as number;
      expect(moved).toBeGreaterThanOrEqual(peer - 2);
      expect(moved).toBeLessThanOrEqual(peer + 1_000);
    });

    it("everyone signed in through connect-pg-simple is still signed in", async () => {
      for (const [index, browser] of browsers.entries()) {
        expect(await browser.request(app, "GET", "/me")).toEqual({ user: `user${index}`, sid: sids[index] });
      }
      for (const sid of sids) expect(await ours.entry(sid)).toBeDefined();
    });

    it("a sign-out sticks although connect-pg-simple still holds the old row", async () => {
      const browser = browsers[0] as Browser;
      const cookie = browser.cookie;
      await browser.request(app, "POST", "/logout");
      expect(await reader().entry(sids[0] as string)).toBeDefined();
      browser.cookie = cookie;
      expect((await browser.request(app, "GET", "/me")).user).toBeNull();
    });
  });
});
