import { createServer } from "node:http";
import type { BridgeApp, SessionView } from "@session-store/bridge-test";
import { listen } from "@session-store/bridge-test";
import type { SessionStore } from "@session-store/core";
import Koa from "koa";
import session from "koa-session";
import type { KoaSessionStoreOptions } from "../../src/index.js";
import { KoaSessionStore } from "../../src/index.js";

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
export async function startApp(store: SessionStore, maxAgeMs: number, options?: KoaSessionStoreOptions): Promise<BridgeApp> {
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

  return { ...(await listen(createServer(app.callback()))), errors };
}
