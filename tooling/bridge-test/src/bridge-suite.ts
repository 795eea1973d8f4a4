import { setTimeout as sleep } from "node:timers/promises";
import type { SessionStore } from "@session-store/core";
import { isManaged, SessionStoreError } from "@session-store/core";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { TestBackend } from "./backends.js";
import { backends } from "./backends.js";
import { Browser } from "./browser.js";
import type { Listening } from "./listening.js";
import { recording } from "./recording-store.js";

/** Slack past an expiry before asserting it happened: the store rounds and the clocks tick. */
const EXPIRY_SLACK_MS = 300;

const decoder = new TextDecoder();

/** A running test app of a bridge. */
export interface BridgeApp extends Listening {
  /** Every error the framework answered with a 500. */
  readonly errors: unknown[];
}

/**
 * A middleware with its bridge, as the suite drives it. Its app is a small one with
 * rolling sessions: POST /login?name=… signs in (new session key), GET /me reads
 * without changing anything, POST /visit counts a visit, POST /logout ends the session;
 * each answers with a `SessionView`, and an error with Internal Server Error as text.
 */
export interface BridgeUnderTest<Options> {
  /** The middleware's name, as the titles say it. */
  readonly middleware: string;
  /** The middleware's cookie holding the session key. */
  readonly keyCookie: string;
  startApp(store: SessionStore, maxAgeMs: number, options?: Options): Promise<BridgeApp>;
  /** The user data out of what the middleware stored (decoded JSON), without its own fields. */
  userData(stored: Record<string, unknown>): Record<string, unknown>;
  /** Bridge options whose `owner` files a session under its `user`. */
  readonly ownedByUser: Options;
  /** Builds the bridge alone, to see that it refuses `ownedByUser` over a store without management. */
  newBridge(store: SessionStore, options: Options): unknown;
  /** Tests of this middleware only, declared inside each backend's block. */
  more?(context: BridgeSuiteContext<Options>): void;
}

/** What a backend's block gives `more`. */
export interface BridgeSuiteContext<Options> {
  readonly backend: TestBackend;
  /** `it`, skipped where the backend is not available. */
  readonly test: ReturnType<typeof it.skipIf>;
  /** The title's ending for a skipped backend ("" otherwise). */
  readonly skipped: string;
  /** Starts an app over `store` (closed after the test) and a browser for it. */
  start(store: SessionStore, maxAgeMs: number, options?: Options): Promise<{ app: BridgeApp; browser: Browser }>;
  /** Signs "ada" in and returns her session key. */
  signIn(browser: Browser): Promise<string>;
}

async function waitUntil(at: number): Promise<void> {
  const remaining = at - Date.now();
  if (remaining > 0) await sleep(remaining);
}

/** The bridge tests of `bridge`: its real app over real HTTP, on every backend, checked through the store itself. */
export function describeBridge<Options>(bridge: BridgeUnderTest<Options>): void {
  for (const backend of backends) describeOn(bridge, backend);
}

function describeOn<Options>(bridge: BridgeUnderTest<Options>, backend: TestBackend): void {
  describe(`${bridge.middleware} on ${backend.name}`, () => {
    const apps: BridgeApp[] = [];
    afterEach(async () => void (await Promise.all(apps.splice(0).map((app) => app.close()))));
    afterAll(() => backend.cleanup());

    async function stored(store: SessionStore, key: string): Promise<Record<string, unknown> | undefined> {
      const bytes = await store.load(key);
      return bytes === undefined ? undefined : bridge.userData(JSON.parse(decoder.decode(bytes)) as Record<string, unknown>);
    }

    async function start(store: SessionStore, maxAgeMs: number, options?: Options) {
      const app = await bridge.startApp(store, maxAgeMs, options);
      apps.push(app);
      return { app, browser: new Browser(app.url) };
    }

    async function signIn(browser: Browser) {
      const login = await browser.request("POST", "/login?name=ada");
      expect(login.body).toEqual({ user: "ada", visits: 0 });
      const key = await browser.cookie(bridge.keyCookie);
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
      const store = recording(await backend.open());
      const { browser } = await start(store, maxAgeMs);
      const key = await signIn(browser);
      const signedInBy = Date.now();
      const before = await store.inner.load(key);

      await waitUntil(signedInBy + maxAgeMs / 2);
      store.reset();
      const rolledFrom = Date.now();
      expect((await browser.request("GET", "/me")).body).toEqual({ user: "ada", visits: 0 });
      if (isManaged(store)) {
        expect(store.calls).toMatchObject({ touch: 1, store: 0 });
        expect(await store.inner.load(key)).toEqual(before);
      } else {
        // Without management the real expiry cannot be read back into the middleware's own expiry, so it rewrites.
        expect(store.calls).toMatchObject({ store: 1, touch: 0 });
      }

      // Past the first expiry, inside the extended one, the session is still there.
      await waitUntil(signedInBy + maxAgeMs + EXPIRY_SLACK_MS);
      expect((await browser.request("GET", "/me")).body).toEqual({ user: "ada", visits: 0 });
      expect(Date.now(), "the check ran inside the extended lifetime").toBeLessThan(rolledFrom + maxAgeMs);

      store.reset();
      expect((await browser.request("POST", "/visit")).body).toEqual({ user: "ada", visits: 1 });
      expect(store.calls).toMatchObject({ store: 1, touch: 0 });
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
        expect(() => bridge.newBridge(store, bridge.ownedByUser)).toThrow(/session management/);
        return;
      }
      const { browser } = await start(store, 60_000, bridge.ownedByUser);
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

    bridge.more?.({ backend, test, skipped, start, signIn });
  });
}
