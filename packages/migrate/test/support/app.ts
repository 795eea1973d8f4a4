import { createServer } from "node:http";
import type { Listening } from "@session-store/bridge-test";
import { listen } from "@session-store/bridge-test";
import express from "express";
import session from "express-session";

declare module "express-session" {
  interface SessionData {
    user?: string;
  }
}

/** What the app answers: who is signed in on this session. */
export interface Me {
  readonly user: string | null;
  readonly sid: string;
}

export type App = Listening;

export const SECRET = "a test secret that is at least thirty-two characters long";

/**
 * The same small app over any express-session store: POST /login?name=… signs in,
 * GET /me tells who is signed in, POST /logout destroys the session. Rolling
 * sessions, so every request rewrites the expiry.
 */
export async function startApp(store: session.Store, maxAgeMs: number): Promise<App> {
  const app = express();
  app.use(session({ store, secret: SECRET, resave: false, saveUninitialized: false, rolling: true, cookie: { maxAge: maxAgeMs } }));
  const me = (req: express.Request): Me => ({ user: req.session.user ?? null, sid: req.sessionID });
  app.post("/login", (req, res, next) => {
    req.session.regenerate((error) => {
      if (error) return next(error);
      req.session.user = String(req.query.name);
      res.json(me(req));
    });
  });
  app.get("/me", (req, res) => void res.json(me(req)));
  app.post("/logout", (req, res, next) => req.session.destroy((error) => (error ? next(error) : res.json({ user: null }))));
  return listen(createServer(app));
}

/** One browser: keeps the session cookie across apps (the cookie is what survives the switch). */
export class Browser {
  cookie = "";

  async request(app: App, method: "GET" | "POST", path: string): Promise<Me> {
    const response = await fetch(new URL(path, app.url), { method, headers: { cookie: this.cookie } });
    const set = response.headers.getSetCookie().find((header) => header.startsWith("connect.sid="));
    if (set !== undefined) this.cookie = set.split(";")[0] as string;
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Me;
  }
}
