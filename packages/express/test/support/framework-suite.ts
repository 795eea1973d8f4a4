import { setTimeout as sleep } from "node:timers/promises";
import type { RecordingStore, TestBackend } from "@session-store/bridge-test";
import { backends, Browser, recording } from "@session-store/bridge-test";
import type { SessionStore } from "@session-store/core";
import { isManaged } from "@session-store/core";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { App, Framework } from "./apps.js";
import { startApp } from "./apps.js";

/** Slack past an expiry before asserting it happened: the store rounds and the clocks tick. */
const EXPIRY_SLACK_MS = 300;

const decoder = new TextDecoder();

/** What the store holds for a session id, decoded, without the cookie part that changes on every request. */
async function storedData(store: SessionStore, sid: string): Promise<Record<string, unknown> | undefined> {
  const bytes = await store.load(sid);
  if (bytes === undefined) return undefined;
  const { cookie: _cookie, ...data } = JSON.parse(decoder.decode(bytes)) as Record<string, unknown>;
  return data;
}

/** Waits until `at` (a Date.now() value) has passed; these waits let session lifetimes run out. */
async function waitUntil(at: number): Promise<void> {
  const remaining = at - Date.now();
  if (remaining > 0) await sleep(remaining);
}

/**
 * The framework tests: a real app of `framework` over real HTTP, on every backend
 * in `backends`, checked through the store itself.
 */
export function describeFramework(framework: Framework): void {
  for (const backend of backends) describeOn(framework, backend);
}

function describeOn(framework: Framework, backend: TestBackend): void {
  describe(`${framework} on ${backend.name}`, () => {
    const apps: App[] = [];

    async function start(maxAgeMs: number) {
      const store = recording(await backend.open());
      stores.push(store);
      const app = await startApp(framework, store, { maxAgeMs });
      apps.push(app);
      return { store, browser: new Browser(app.url) };
    }

    const stores: RecordingStore[] = [];

    afterEach(async () => {
      await Promise.all(apps.splice(0).map((app) => app.close()));
      // Leave nothing behind in shared servers: remove every session a test stored.
      for (const store of stores.splice(0)) await Promise.all([...store.ids].map((id) => store.inner.remove(id)));
    });
    afterAll(() => backend.cleanup());

    const test = it.skipIf(backend.skip !== undefined);
    const skipped = backend.skip ? ` (${backend.skip})` : "";

    test(`login sets data, the next request sees it${skipped}`, async () => {
      const { store, browser } = await start(60_000);
      const login = await browser.request("POST", "/login?name=ada");
      expect(login.body).toMatchObject({ user: "ada", visits: 0 });
      const sid = login.body.sid as string;
      expect(await storedData(store, sid)).toEqual({ user: "ada", visits: 0 });

      expect((await browser.request("POST", "/visit")).body).toEqual({ sid, user: "ada", visits: 1 });
      expect((await browser.request("GET", "/me")).body).toEqual({ sid, user: "ada", visits: 1 });
      expect(await storedData(store, sid)).toEqual({ user: "ada", visits: 1 });
    });

    test(`logout destroys the session${skipped}`, async () => {
      const { store, browser } = await start(60_000);
      const sid = (await browser.request("POST", "/login?name=ada")).body.sid as string;
      const cookie = await browser.cookieHeader();

      expect((await browser.request("POST", "/logout")).status).toBe(200);
      expect(await store.load(sid)).toBeUndefined();
      // Even replaying the old cookie finds nothing.
      expect((await browser.request("GET", "/me", cookie)).body).toEqual({ sid: null, user: null, visits: 0 });
    });

    test(`a rolling session is extended without changing its data${skipped}`, async () => {
      const maxAgeMs = 3_000;
      const { store, browser } = await start(maxAgeMs);
      const sid = (await browser.request("POST", "/login?name=ada")).body.sid as string;
      const loggedInBy = Date.now();
      const before = await store.inner.load(sid);

      await waitUntil(loggedInBy + maxAgeMs / 2);
      store.reset();
      const rolledFrom = Date.now();
      expect((await browser.request("GET", "/me")).body).toEqual({ sid, user: "ada", visits: 0 });

      if (framework === "express-session") {
        // express-session touches an unmodified session: the stored bytes stay as they were.
        expect(store.calls).toMatchObject({ touch: 1, store: 0, remove: 0 });
        expect(await store.inner.load(sid)).toEqual(before);
      } else if (isManaged(store.inner)) {
        // @fastify/session has no touch: rolling saves the unchanged session again, which the bridge turns into a touch.
        expect(store.calls).toMatchObject({ touch: 1, store: 0, remove: 0 });
        expect(await store.inner.load(sid)).toEqual(before);
      } else {
        // Over a store without management the bridge cannot tell the cookie the real expiry, so it rewrites.
        expect(store.calls).toMatchObject({ touch: 0, store: 1, remove: 0 });
        expect(await storedData(store.inner, sid)).toEqual({ user: "ada", visits: 0 });
      }

      // Past the first expiry, inside the extended one, the session is still there.
      await waitUntil(loggedInBy + maxAgeMs + EXPIRY_SLACK_MS);
      const data = await storedData(store.inner, sid);
      const checkedBy = Date.now();
      expect(checkedBy, "the check ran inside the extended lifetime").toBeLessThan(rolledFrom + maxAgeMs);
      expect(data).toEqual({ user: "ada", visits: 0 });

      // Changed data is written, on both frameworks.
      store.reset();
      expect((await browser.request("POST", "/visit")).body).toEqual({ sid, user: "ada", visits: 1 });
      expect(store.calls).toMatchObject({ touch: 0, store: 1 });
      expect(await storedData(store.inner, sid)).toEqual({ user: "ada", visits: 1 });
    });

    test(`an expired cookie's session is gone${skipped}`, async () => {
      const maxAgeMs = 1_000;
      const { store, browser } = await start(maxAgeMs);
      const sid = (await browser.request("POST", "/login?name=ada")).body.sid as string;
      const loggedInBy = Date.now();
      const cookie = await browser.cookieHeader();

      await waitUntil(loggedInBy + maxAgeMs + EXPIRY_SLACK_MS);
      expect(await store.inner.load(sid)).toBeUndefined();
      // The browser would drop the cookie; a client that replays it gets no session either.
      expect((await browser.request("GET", "/me", cookie)).body).toEqual({ sid: null, user: null, visits: 0 });
    });
  });
}
