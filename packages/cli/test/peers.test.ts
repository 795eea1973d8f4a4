import type { Listening } from "@session-store/bridge-test";
import { Browser } from "@session-store/bridge-test";
import type { ManagedSessionStore } from "@session-store/core";
import { ExpressSessionStore } from "@session-store/express";
import { harness } from "@session-store/harness";
import { openStore } from "@session-store/open";
import connectPgSimple from "connect-pg-simple";
import { RedisStore as ConnectRedisStore } from "connect-redis";
import session from "express-session";
import pg from "pg";
import { createClient } from "redis";
import { afterAll, describe, expect, it } from "vitest";
import { startApp } from "./support/app.js";
import { runCli, summaryOf } from "./support/run-cli.js";

const redis = await harness("redis");
const postgres = await harness("postgres");

interface Me {
  readonly user: string | null;
  readonly sid: string;
}

/**
 * Signs three browsers in on the peer's app, copies with the command, restarts the
 * app on our bridge over the target, and checks the same cookies are still signed in.
 */
async function signedInAfterCopy(peerStore: session.Store, fromUrl: string, toUrl: string): Promise<void> {
  const peerApp = await startApp(peerStore);
  const browsers = [0, 1, 2].map(() => new Browser(peerApp.url));
  const sids: string[] = [];
  for (const [index, browser] of browsers.entries()) sids.push((await browser.request<Me>("POST", `/login?name=user${index}`)).body.sid);
  await peerApp.close();

  const run = await runCli("copy", "--from", fromUrl, "--to", toUrl);
  expect(run.code).toBe(0);
  expect(summaryOf(run.stdout)).toMatchObject({ copied: 3, failed: 0 });

  let target: ManagedSessionStore | undefined;
  let app: Listening | undefined;
  try {
    target = await openStore(toUrl);
    app = await startApp(new ExpressSessionStore(target));
    for (const [index, browser] of browsers.entries()) {
      const me = await browser.request<Me>("GET", new URL("/me", app.url).href);
      expect(me.body).toEqual({ user: `user${index}`, sid: sids[index] });
    }
    expect(await target.count()).toBe(3);
  } finally {
    await app?.close();
    await target?.close?.();
  }
}

describe.skipIf(redis.skip !== undefined)(`from connect-redis${redis.skip ? ` (skipped: ${redis.skip})` : ""}`, () => {
  afterAll(() => redis.cleanup());

  it("users signed in through connect-redis are still signed in after copy, on our bridge", async () => {
    const namespace = redis.newNamespace();
    const client = createClient({ url: redis.url as string });
    client.on("error", () => undefined);
    await client.connect();
    try {
      const peer = new ConnectRedisStore({ client: client as never, prefix: `${namespace}:peer:` });
      const server = new URL(redis.url as string);
      const fromUrl = `connect-redis+redis://${server.host}/0?prefix=${namespace}:peer:`;
      await signedInAfterCopy(peer, fromUrl, redis.storeUrl(`${namespace}_new`));
    } finally {
      await client.close();
    }
  });
});

describe.skipIf(postgres.skip !== undefined)(`from connect-pg-simple${postgres.skip ? ` (skipped: ${postgres.skip})` : ""}`, () => {
  afterAll(() => postgres.cleanup());

  it("users signed in through connect-pg-simple are still signed in after copy, on our bridge", async () => {
    const schema = postgres.newNamespace();
    const pool = new pg.Pool({ connectionString: postgres.url, max: 2 });
    try {
      await pool.query(`CREATE SCHEMA "${schema}"`);
      const PgSessionStore = connectPgSimple(session);
      const peer = new PgSessionStore({ pool, schemaName: schema, tableName: "user_sessions", createTableIfMissing: true, pruneSessionInterval: false });
      const fromUrl = `connect-pg-simple+${postgres.url as string}?schema=${schema}&table=user_sessions`;
      await signedInAfterCopy(peer, fromUrl, postgres.storeUrl());
    } finally {
      await pool.end();
    }
  });
});
