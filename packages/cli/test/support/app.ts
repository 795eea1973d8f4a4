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

export const SECRET = "a test secret that is at least thirty-two characters long";

/** The same small app over any express-session store: POST /login?name=… signs in, GET /me says who is signed in. */
export function startApp(store: session.Store): Promise<Listening> {
  const app = express();
  app.use(session({ store, secret: SECRET, resave: false, saveUninitialized: false, rolling: true, cookie: { maxAge: 3_600_000 } }));
  app.post("/login", (req, res, next) => {
    req.session.regenerate((error) => {
      if (error) return next(error);
      req.session.user = String(req.query.name);
      res.json({ user: req.session.user, sid: req.sessionID });
    });
  });
  app.get("/me", (req, res) => void res.json({ user: req.session.user ?? null, sid: req.sessionID }));
  return listen(createServer(app));
}
