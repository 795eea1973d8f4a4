import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { SessionStore } from "@session-store/core";
import Koa from "koa";
import session from "koa-session";
import type { KoaSessionStoreOptions } from "../../src/index.js";
import { KoaSessionStore } from "../../src/index.js";
import type { SessionView } from "./browser.js";

/** A running app on an ephemeral port of 127.0.0.1. */
export interface App {
  readonly url: string;
  /** Every error Koa answered with a 500, as the app's error event saw it. */
  readonly errors: unknown[];
  close(): Promise<void>;
}

/** The part of koa-session's `ctx.session` the app uses. */
interface AppSession {
  user?: string;
  visits?: number;
  regenerate(): Promise<void>;
}

/**
 * A small Koa app with rolling koa-session sessions over `store`: POST /login?name=…
 * signs in (new session key), GET /me reads without changing anything, POST /visit
 * counts a visit, POST /logout destroys the session.
 */
export async function startApp(store: SessionStore, maxAgeMs: number, options?: KoaSessionStoreOptions): Promise<App> {
  const app = new Koa();
  app.keys = ["a test secret that is at least thirty-two characters long"];
  app.silent = true;
  const errors: unknown[] = [];
  app.on("error", (error: unknown) => errors.push(error));
  app.use(session({ store: new KoaSessionStore(store, options), maxAge: maxAgeMs, rolling: true }, app));
  app.use(async (ctx) => {
    const sess = ctx.session as unknown as AppSession | null;
    const view = (): SessionView => ({ user: sess?.user ?? null, visits: sess?.visits ?? 0 });
    const route = `${ctx.method} ${ctx.path}`;
    if (route === "POST /login" && sess) {
      await sess.regenerate();
      sess.user = String(ctx.query.name);
      sess.visits = 0;
    } else if (route === "POST /visit" && sess) {
      sess.visits = (sess.visits ?? 0) + 1;
    } else if (route === "POST /logout") {
      ctx.session = null;
      ctx.body = { user: null, visits: 0 };
      return;
    } else if (route !== "GET /me") {
      ctx.throw(404);
    }
    ctx.body = view();
  });

  const server = createServer(app.callback());
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    errors,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}
