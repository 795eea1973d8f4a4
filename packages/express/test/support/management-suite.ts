import { setTimeout as sleep } from "node:timers/promises";
import type { RecordingStore, TestBackend } from "@session-store/bridge-test";
import { backends, Browser, recording, THIRD_PARTY } from "@session-store/bridge-test";
import type { ManagedSessionStore } from "@session-store/core";
import type { SessionData } from "express-session";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { ExpressSessionStoreOptions } from "../../src/index.js";
import { ExpressSessionStore } from "../../src/index.js";
import type { App, AppOptions, ExpiryView, Framework, SessionsView } from "./apps.js";
import { startApp } from "./apps.js";

const SIGNED_OUT = { sid: null, user: null, visits: 0 };

/** Who owns a session in these apps: the signed-in user. */
const owner = (session: SessionData) => session.user;

/** A promise with its resolve function, to hold a request at a known point. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

/**
 * Session management through the bridge, over real HTTP on `framework`: on every
 * backend whose store is managed (the others skip, saying why).
 */
export function describeManagement(framework: Framework): void {
  for (const backend of backends) if (backend.name !== THIRD_PARTY) describeOn(framework, backend);
}

function describeOn(framework: Framework, backend: TestBackend): void {
  describe(`${framework} session management on ${backend.name}`, () => {
    const apps: App[] = [];
    const stores: RecordingStore[] = [];

    async function start(options: Partial<AppOptions> & { bridge?: ExpressSessionStoreOptions } = {}) {
      const store = recording(await backend.open());
      stores.push(store);
      const app = await startApp(framework, store, { maxAgeMs: 60_000, ...options, bridge: { owner, ...options.bridge } });
      apps.push(app);
      return { store, inner: store.inner as ManagedSessionStore, app, browser: () => new Browser(app.url) };
    }

    afterEach(async () => {
      await Promise.all(apps.splice(0).map((app) => app.close()));
      for (const store of stores.splice(0)) await Promise.all([...store.ids].map((id) => store.inner.remove(id)));
    });
    afterAll(() => backend.cleanup());

    const test = it.skipIf(backend.managementSkip !== undefined);
    const skipped = backend.managementSkip ? ` (${backend.managementSkip})` : "";

    test(`a request that loaded the session before a logout cannot save it back${skipped}`, async () => {
      const loaded = gate();
      const release = gate();
      const { inner, app } = await start({
        hold: async () => {
          loaded.open();
          await release.opened;
        },
      });
      const browser = new Browser(app.url);
      const sid = (await browser.request("POST", "/login?name=ada")).body.sid as string;

      const slow = browser.request("POST", "/slow-visit"); // A: loads the session, then waits
      await loaded.opened;
      expect((await browser.request("POST", "/logout")).status).toBe(200); // B: signs out
      release.open();
      expect((await slow).status).toBe(200); // A saves its change after the logout

      expect(await inner.load(sid)).toBeUndefined();
      expect((await browser.request("GET", "/me")).body).toEqual(SIGNED_OUT);
      expect((await new Browser(app.url).request("GET", "/me", `${await browser.cookieHeader()}`)).body).toEqual(SIGNED_OUT);
    });

    test(`signs out other devices, then everywhere, of one user only${skipped}`, async () => {
      const { browser } = await start();
      const laptop = browser();
      const phone = browser();
      const other = browser();
      const laptopSid = (await laptop.request("POST", "/login?name=ada")).body.sid as string;
      const phoneSid = (await phone.request("POST", "/login?name=ada")).body.sid as string;
      const otherSid = (await other.request("POST", "/login?name=bob")).body.sid as string;

      const listed = (await laptop.request<SessionsView>("GET", "/sessions")).body.sessions;
      expect(listed.map(({ id }) => id).sort()).toEqual([laptopSid, phoneSid].sort());
      expect(listed.every(({ user, expiresAt }) => user === "ada" && expiresAt > Date.now())).toBe(true);

      expect((await laptop.request<{ count: number }>("POST", "/signout-others")).body).toEqual({ count: 1 });
      expect((await phone.request("GET", "/me")).body).toEqual(SIGNED_OUT);
      expect((await laptop.request("GET", "/me")).body).toMatchObject({ sid: laptopSid, user: "ada" });
      expect((await laptop.request<SessionsView>("GET", "/sessions")).body.sessions.map(({ id }) => id)).toEqual([laptopSid]);

      // A phone that signed in again, then "sign out everywhere" from the laptop.
      await phone.request("POST", "/login?name=ada");
      expect((await laptop.request<{ count: number }>("POST", "/signout-everywhere")).body).toEqual({ count: 2 });
      expect((await laptop.request("GET", "/me")).body).toEqual(SIGNED_OUT);
      expect((await phone.request("GET", "/me")).body).toEqual(SIGNED_OUT);
      expect((await other.request("GET", "/me")).body).toEqual({ sid: otherSid, user: "bob", visits: 0 });
    });

    test(`all, length and clear see the sessions the app stored${skipped}`, async () => {
      const { app, inner, browser } = await start();
      const sids: string[] = [];
      for (const name of ["ada", "bob", "eve"]) sids.push((await browser().request("POST", `/login?name=${name}`)).body.sid as string);

      const all = (await app.bridge.all()) as unknown as Array<{ id: string; user: string; cookie: { expires: Date } }>;
      expect(all.map(({ id }) => id).sort()).toEqual([...sids].sort());
      expect(all.map(({ user }) => user).sort()).toEqual(["ada", "bob", "eve"]);
      expect(all.every(({ cookie }) => cookie.expires instanceof Date)).toBe(true);
      expect(await app.bridge.length()).toBe(3);
      expect(await new Promise((resolve) => app.bridge.length((error, length) => resolve({ error, length })))).toEqual({
        error: null,
        length: 3,
      });

      const limited = new ExpressSessionStore(inner, { listLimit: 2 });
      await expect(limited.all()).rejects.toThrow(/listLimit \(2\)/);

      expect(await app.bridge.clear()).toBe(3);
      expect(await app.bridge.length()).toBe(0);
      expect(await app.bridge.all()).toEqual([]);
    });

    test(`touchAfterMs limits the writes of a rolling session${skipped}`, async () => {
      const touchAfterMs = 1_000;
      const { store, browser } = await start({ bridge: { touchAfterMs } });
      const client = browser();
      await client.request("POST", "/login?name=ada");
      const loggedInAt = Date.now();

      store.reset();
      for (let i = 0; i < 3; i++) expect((await client.request("GET", "/me")).body.user).toBe("ada");
      expect(store.calls).toMatchObject({ touch: 0, store: 0 });

      await sleep(loggedInAt + touchAfterMs + 100 - Date.now());
      for (let i = 0; i < 3; i++) expect((await client.request("GET", "/me")).body.user).toBe("ada");
      expect(store.calls).toMatchObject({ touch: 1, store: 0 });

      // Without the option every request of the rolling session writes.
      const { store: eager, browser: eagerBrowser } = await start();
      const eagerClient = eagerBrowser();
      await eagerClient.request("POST", "/login?name=ada");
      eager.reset();
      for (let i = 0; i < 3; i++) await eagerClient.request("GET", "/me");
      expect(eager.calls).toMatchObject({ touch: 3, store: 0 });
    });

    test(`the page sees the store's real expiry after a touch${skipped}`, async () => {
      const { inner, browser } = await start();
      const client = browser();
      const sid = (await client.request("POST", "/login?name=ada")).body.sid as string;
      await sleep(300);
      await client.request("GET", "/me"); // touches: the stored expiry moves, the stored bytes do not
      await sleep(300);

      const { expiresAt } = (await inner.entry(sid))!;
      const { expires, originalExpires } = (await client.request<ExpiryView>("GET", "/expiry")).body;
      // @fastify/session recomputes cookie.expires from maxAge on every load; what it restored is originalExpires.
      const seen = framework === "express-session" ? expires : originalExpires;
      expect(Math.abs((seen as number) - expiresAt)).toBeLessThanOrEqual(5);
    });
  });
}
