import type { Server } from "node:http";
import { createAdaptorServer } from "@hono/node-server";
import type { BridgeApp, SessionView } from "@session-store/bridge-test";
import { listen } from "@session-store/bridge-test";
import type { SessionStore } from "@session-store/core";
import { Hono } from "hono";
import type { Session } from "hono-sessions";
import { sessionMiddleware } from "hono-sessions";
import type { HonoSessionStoreOptions } from "../../src/index.js";
import { HonoSessionStore } from "../../src/index.js";

interface Values {
  user: string;
  visits: number;
}

type AppEnv = { Variables: { session: Session<Values>; session_key_rotation: boolean } };

/**
 * A small Hono app with rolling hono-sessions sessions over `store`: POST /login?name=…
 * signs in (new session id), GET /me reads without changing anything, POST /visit
 * counts a visit, POST /logout deletes the session.
 */
export async function startApp(store: SessionStore, maxAgeSeconds: number, options?: HonoSessionStoreOptions): Promise<BridgeApp> {
  const app = new Hono<AppEnv>();
  const errors: unknown[] = [];
  // As Hono's default handler answers, while keeping the error for the test.
  app.onError((error, c) => {
    errors.push(error);
    return c.text("Internal Server Error", 500);
  });
  app.use(
    sessionMiddleware({
      store: new HonoSessionStore(store, options),
      expireAfterSeconds: maxAgeSeconds,
      cookieOptions: { path: "/", httpOnly: true, sameSite: "Lax", maxAge: maxAgeSeconds },
    }),
  );
  const view = (session: Session<Values>): SessionView => ({ user: session.get("user"), visits: session.get("visits") ?? 0 });
  app.post("/login", (c) => {
    const session = c.get("session");
    c.set("session_key_rotation", true);
    session.set("user", c.req.query("name") ?? "");
    session.set("visits", 0);
    return c.json(view(session));
  });
  app.get("/me", (c) => c.json(view(c.get("session"))));
  app.post("/visit", (c) => {
    const session = c.get("session");
    session.set("visits", (session.get("visits") ?? 0) + 1);
    return c.json(view(session));
  });
  app.post("/logout", (c) => {
    c.get("session").deleteSession();
    return c.json({ user: null, visits: 0 });
  });

  return { ...(await listen(createAdaptorServer({ fetch: app.fetch }) as Server)), errors };
}
