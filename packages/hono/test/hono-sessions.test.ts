import { Browser, describeBridge } from "@session-store/bridge-test";
import { expect } from "vitest";
import type { HonoSessionStoreOptions } from "../src/index.js";
import { HonoSessionStore } from "../src/index.js";
import { startApp } from "./support/app.js";

describeBridge<HonoSessionStoreOptions>({
  middleware: "hono-sessions",
  // No encryptionKey in the test app, so the cookie holds the session id itself.
  keyCookie: "session",
  startApp: (store, maxAgeMs, options) => startApp(store, maxAgeMs / 1000, options),
  // hono-sessions stores each value in an entry of `_data`.
  userData: (stored) => {
    const { _data } = stored as { _data: Record<string, { value: unknown }> };
    return Object.fromEntries(Object.entries(_data).map(([name, entry]) => [name, entry.value]));
  },
  ownedByUser: { owner: (session) => session.user as string | undefined },
  newBridge: (store, options) => new HonoSessionStore(store, options),
  more: ({ backend, test, skipped, start, signIn }) => {
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
  },
});
