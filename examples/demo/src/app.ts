import type { SessionStore } from "@session-store/core";
import { ExpressSessionStore } from "@session-store/express";
import express from "express";
import type { Request } from "express";
import session from "express-session";
import type { SessionInfo } from "./pages.js";
import { badRequestPage, homePage, sessionPage } from "./pages.js";

declare module "express-session" {
  interface SessionData {
    name?: string;
    visits?: number;
  }
}

export interface AppOptions {
  readonly store: SessionStore;
  readonly secret: string;
  readonly sessionTtlMs: number;
  /** Where the sessions live, for the /session page. */
  readonly backend: string;
}

const MAX_NAME_LENGTH = 40;

export function createApp({ store, secret, sessionTtlMs, backend }: AppOptions): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.use(express.urlencoded({ extended: false, limit: "1kb" }));
  app.use(
    session({
      name: "demo.sid",
      store: new ExpressSessionStore(store),
      secret,
      // Nothing is stored for visitors who do not sign in; a signed-in session lives
      // sessionTtlMs after its last request.
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: { maxAge: sessionTtlMs, httpOnly: true, sameSite: "lax" },
    }),
  );

  app.get("/", (req, res) => {
    if (req.session.name !== undefined) req.session.visits = (req.session.visits ?? 0) + 1;
    res.type("html").send(homePage(signedIn(req)));
  });

  app.post("/login", (req, res, next) => {
    const name = typeof req.body?.name === "string" ? req.body.name.trim() : "";
    if (name === "" || name.length > MAX_NAME_LENGTH) {
      res.status(400).type("html").send(badRequestPage(`Give a name of 1 to ${MAX_NAME_LENGTH} characters.`));
      return;
    }
    // A new session id at sign-in, so an id planted before it is worth nothing.
    req.session.regenerate((error) => {
      if (error) return next(error);
      req.session.name = name;
      req.session.visits = 0;
      res.redirect(303, "/");
    });
  });

  app.post("/logout", (req, res, next) => {
    req.session.destroy((error) => {
      if (error) return next(error);
      res.clearCookie("demo.sid").redirect(303, "/");
    });
  });

  app.get("/session", (req, res) => {
    const storage = {
      backend,
      sessionId: req.sessionID,
      remainingMs: req.session.cookie.maxAge ?? 0,
      ttlMs: sessionTtlMs,
    };
    res.type("html").send(sessionPage(signedIn(req), storage));
  });

  return app;
}

function signedIn(req: Request): SessionInfo | undefined {
  const { name, visits } = req.session;
  return name === undefined ? undefined : { name, visits: visits ?? 0 };
}
