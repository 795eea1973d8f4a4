import { describeBridge } from "@session-store/bridge-test";
import type { KoaSessionStoreOptions } from "../src/index.js";
import { KoaSessionStore } from "../src/index.js";
import { startApp } from "./support/app.js";

describeBridge<KoaSessionStoreOptions>({
  middleware: "koa-session",
  keyCookie: "koa.sess",
  startApp,
  // koa-session keeps its own expiry beside the user data.
  userData: ({ _expire, _maxAge, ...data }) => data,
  ownedByUser: { owner: (session) => session.user as string | undefined },
  newBridge: (store, options) => new KoaSessionStore(store, options),
});
