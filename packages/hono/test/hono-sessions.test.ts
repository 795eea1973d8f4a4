import { setTimeout as sleep } from "node:timers/promises";
import type { SessionStore } from "@session-store/core";
import { isManaged, SessionStoreError } from "@session-store/core";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { HonoSessionStoreOptions } from "../src/index.js";
import { HonoSessionStore } from "../src/index.js";
import type { App } from "./support/app.js";
import { startApp } from "./support/app.js";
import type { TestBackend } from "./support/backends.js";
import { backends } from "./support/backends.js";
import { Browser } from "./support/browser.js";
import { counting } from "./support/counting.js";

/** Slack past an expiry before asserting it happened: the store rounds and the clocks tick. */
const EXPIRY_SLACK_MS = 300;
/** hono-sessions' cookie holding the session id (no encryptionKey in the test app). */
const KEY_COOKIE = "session";

const decoder = new TextDecoder();

/** The values the store holds for `key`, out of hono-sessions' `_data` entries. */
async function stored(store: SessionStore, key: string): Promise<Record<string, unknown> | undefined> {
  const bytes = await store.load(key);
  if (bytes === undefined) return undefined;
  const { _data } = JSON.parse(decoder.decode(bytes)) as { _data: Record<string, { value: unknown }> };
  return Object.fromEntries(Object.entries(_data).map(([name, entry]) => [name, entry.value]));
}

async function waitUntil(at: number): Promise<void> {
  const remaining = at - Date.now();
  if (remaining > 0) await sleep(remaining);
}

for (const backend of backends) describeOn(backend);

function describeOn(backend: TestBackend): void {
  describe(`hono-sessions on ${backend.name}`, () => {
    const apps: App[] = [];
    afterEach(async () => void (await Promise.all(apps.splice(0).map((app) => app.close()))));
    afterAll(() => backend.cleanup());

    async function start(store: SessionStore, maxAgeMs: number, options?: HonoSessionStoreOptions) {
      const app = await startApp(store, maxAgeMs / 1000, options);
      apps.push(app);
      return { app, browser: new Browser(app.url) };
    }

    async function signIn(browser: Browser) {
      const login = await browser.request("POST", "/login?name=ada");
      expect(login.body).toEqual({ user: "ada", visits: 0 });
      const key = await browser.cookie(KEY_COOKIE);
      expect(key).toBeTypeOf("string");
      return key as string;
    }

    const test = it.skipIf(backend.skip !== undefined);
    const skipped = backend.skip ? ` (${backend.skip})` : "";

    test(`sign in, and the counter survives requests${skipped}`, async () => {
      const store = await backend.open();
      const { browser } = await start(store, 60_000);
      const key = await signIn(browser);
      expect(await stored(store, key)).toEqual({ user: "ada", visits: 0 });

      expect((await browser.request("POST", "/visit")).body).toEqual({ user: "ada", visits: 1 });
      expect((await browser.request("POST", "/visit")).body).toEqual({ user: "ada", visits: 2 });
      expect((await browser.request("GET", "/me")).body).toEqual({ user: "ada", visits: 2 });
      expect(await stored(store, key)).toEqual({ user: "ada", visits: 2 });
    });

    test(`logout sticks${skipped}`, async () => {
      const store = await backend.open();
      const { browser } = await start(store, 60_000);
      const key = await signIn(browser);
      const cookie = await browser.cookieHeader();

      expect((await browser.request("POST", "/logout")).status).toBe(200);
      expect(await store.load(key)).toBeUndefined();
      expect((await browser.request("GET", "/me")).body).toEqual({ user: null, visits: 0 });
      // Even replaying the old cookie finds nothing.
      expect((await browser.request("GET", "/me", cookie)).body).toEqual({ user: null, visits: 0 });
      // Over a managed store the key is revoked: nothing can write it back.
      if (isManaged(store)) expect(await store.store(key, new Uint8Array([123, 125]), 60_000)).toBe(false);
    });

    test(`a rolling request that changed nothing touches the session, never rewrites it${skipped}`, async () => {
      const maxAgeMs = 3_000;
      const { store, calls, reset } = counting(await backend.open());
      const { browser } = await start(store, maxAgeMs);
      const key = await signIn(browser);
      const signedInBy = Date.now();
      const before = await store.load(key);

      await waitUntil(signedInBy + maxAgeMs / 2);
      reset();
      const rolledFrom = Date.now();
      expect((await browser.request("GET", "/me")).body).toEqual({ user: "ada", visits: 0 });
      if (isManaged(store)) {
        expect(calls).toMatchObject({ touch: 1 });
        expect(calls.store).toBeUndefined();
        expect(await store.load(key)).toEqual(before);
      } else {
        // Without management the real expiry cannot be read back into hono-sessions' `_expire`, so it rewrites.
        expect(calls).toMatchObject({ store: 1 });
        expect(calls.touch).toBeUndefined();
      }

      // Past the first expiry, inside the extended one, the session is still there.
      await waitUntil(signedInBy + maxAgeMs + EXPIRY_SLACK_MS);
      expect((await browser.request("GET", "/me")).body).toEqual({ user: "ada", visits: 0 });
      expect(Date.now(), "the check ran inside the extended lifetime").toBeLessThan(rolledFrom + maxAgeMs);

      reset();
      expect((await browser.request("POST", "/visit")).body).toEqual({ user: "ada", visits: 1 });
      expect(calls).toMatchObject({ store: 1 });
      expect(calls.touch).toBeUndefined();
    });

    test(`an expired session is gone${skipped}`, async () => {
      const maxAgeMs = 1_000;
      const store = await backend.open();
      const { browser } = await start(store, maxAgeMs);
      const key = await signIn(browser);
      const signedInBy = Date.now();
      const cookie = await browser.cookieHeader();

      await waitUntil(signedInBy + maxAgeMs + EXPIRY_SLACK_MS);
      expect(await store.load(key)).toBeUndefined();
      expect((await browser.request("GET", "/me", cookie)).body).toEqual({ user: null, visits: 0 });
    });

    test(`the owner option files sessions under their user${skipped}`, async () => {
      const store = await backend.open();
      if (!isManaged(store)) {
        expect(() => new HonoSessionStore(store, { owner: () => "ada" })).toThrow(/session management/);
        return;
      }
      const { browser } = await start(store, 60_000, { owner: (session) => session.user as string | undefined });
      const key = await signIn(browser);
      expect((await store.sessionsOf("ada")).map(({ id }) => id)).toEqual([key]);
      await browser.request("POST", "/logout");
      expect(await store.sessionsOf("ada")).toEqual([]);
    });

    test(`a dead backend gives a 500 without driver text${skipped}`, async () => {
      const { app, browser } = await start(await backend.dead(), 60_000);
      const reply = await browser.request("POST", "/login?name=ada");
      expect(reply.status).toBe(500);
      expect(reply.text).toBe("Internal Server Error");
      const [error] = app.errors;
      expect(error).toBeInstanceOf(SessionStoreError);
      expect(reply.text).not.toContain((error as Error).message);
    });

    test(`a dead backend reads as no session: hono-sessions turns a failed load into a fresh session${skipped}`, async () => {
      const store = await backend.open();
      const { browser } = await start(store, 60_000);
      await signIn(browser);
      const dead = await start(await backend.dead(), 60_000);
      const cookie = await browser.cookieHeader();
      const reply = await new Browser(dead.app.url).request("GET", "/me", cookie);
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({ user: null, visits: 0 });
      expect(dead.app.errors).toEqual([]);
    });
  });
}
