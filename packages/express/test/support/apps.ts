import { createServer } from "node:http";
import fastifyCookie from "@fastify/cookie";
import fastifySession from "@fastify/session";
import type { SessionView } from "@session-store/bridge-test";
import { listen } from "@session-store/bridge-test";
import type { SessionStore } from "@session-store/core";
import express from "express";
import type { NextFunction, Request, Response } from "express";
import session from "express-session";
import Fastify from "fastify";
import type { FastifyRequest } from "fastify";
import type { ExpressSessionStoreOptions } from "../../src/index.js";
import { ExpressSessionStore } from "../../src/index.js";

declare module "express-session" {
  interface SessionData {
    user?: string;
    visits?: number;
  }
}

declare module "fastify" {
  interface Session {
    user?: string;
    visits?: number;
  }
}

/** A running app on an ephemeral port of 127.0.0.1. */
export interface App {
  readonly url: string;
  /** The bridge the app's session middleware uses. */
  readonly bridge: ExpressSessionStore;
  close(): Promise<void>;
}

export type Framework = "express-session" | "@fastify/session";

export interface AppOptions {
  /** The session cookie's lifetime; the store keeps sessions as long. */
  readonly maxAgeMs: number;
  /** Options of the app's ExpressSessionStore. */
  readonly bridge?: ExpressSessionStoreOptions;
  /** Awaited by POST /slow-visit after the session is loaded and before it is changed. */
  readonly hold?: () => Promise<void>;
}

/** What GET /sessions answers: the signed-in user's sessions. */
export interface SessionsView {
  readonly sessions: ReadonlyArray<{ readonly id: string; readonly expiresAt: number; readonly user: string | null }>;
}

/** What GET /expiry answers: the session cookie's expiry as the page sees it, in epoch ms. */
export interface ExpiryView {
  readonly expires: number | null;
  /** @fastify/session only: the expiry the stored session was restored with. */
  readonly originalExpires: number | null;
}

const epochMs = (date: unknown) => (date === null || date === undefined ? null : new Date(date as string).getTime());

/** The management routes, the same on both frameworks. */
function managementRoutes(bridge: ExpressSessionStore) {
  return {
    sessions: async (user: string | undefined): Promise<SessionsView> => {
      const sessions = user === undefined ? [] : await bridge.sessionsOf(user);
      return { sessions: sessions.map(({ id, expiresAt, session }) => ({ id, expiresAt, user: session.user ?? null })) };
    },
    signOutOthers: async (user: string | undefined, sid: string) => ({
      count: user === undefined ? 0 : await bridge.signOutOtherDevices(user, sid),
    }),
    signOutEverywhere: async (user: string | undefined) => ({ count: user === undefined ? 0 : await bridge.signOutEverywhere(user) }),
  };
}

const SECRET = "a test secret that is at least thirty-two characters long";

/**
 * The same small app on either framework, with rolling sessions and nothing saved
 * for visitors who did not sign in:
 * POST /login?name=… signs in (new session id), GET /me reads without changing
 * anything, POST /visit counts a visit, POST /logout destroys the session. POST /slow-visit
 * counts a visit after `hold`; GET /sessions, POST /signout-others and POST
 * /signout-everywhere use the bridge's helpers for the signed-in user; GET /expiry
 * shows the cookie's expiry.
 */
export function startApp(framework: Framework, store: SessionStore, options: AppOptions): Promise<App> {
  return framework === "express-session" ? startExpress(store, options) : startFastify(store, options);
}

async function startExpress(store: SessionStore, { maxAgeMs, bridge: bridgeOptions, hold }: AppOptions): Promise<App> {
  const app = express();
  const bridge = new ExpressSessionStore(store, bridgeOptions);
  const routes = managementRoutes(bridge);
  app.use(
    session({
      store: bridge,
      secret: SECRET,
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: { maxAge: maxAgeMs },
    }),
  );
  const view = (req: Request): SessionView => ({
    sid: req.session.user === undefined ? null : req.sessionID,
    user: req.session.user ?? null,
    visits: req.session.visits ?? 0,
  });
  app.post("/login", (req, res, next) => {
    req.session.regenerate((error) => {
      if (error) return next(error);
      req.session.user = String(req.query.name);
      req.session.visits = 0;
      res.json(view(req));
    });
  });
  app.get("/me", (req, res) => res.json(view(req)));
  app.post("/visit", (req, res) => {
    req.session.visits = (req.session.visits ?? 0) + 1;
    res.json(view(req));
  });
  app.post("/logout", (req, res, next) => {
    req.session.destroy((error) => (error ? next(error) : res.json({ sid: null, user: null, visits: 0 })));
  });
  app.post("/slow-visit", async (req, res) => {
    await hold?.();
    req.session.visits = (req.session.visits ?? 0) + 1;
    res.json(view(req));
  });
  app.get("/sessions", async (req, res) => void res.json(await routes.sessions(req.session.user)));
  app.post("/signout-others", async (req, res) => void res.json(await routes.signOutOthers(req.session.user, req.sessionID)));
  app.post("/signout-everywhere", async (req, res) => void res.json(await routes.signOutEverywhere(req.session.user)));
  app.get("/expiry", (req, res) => void res.json({ expires: epochMs(req.session.cookie.expires), originalExpires: null }));
  app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
    res.status(500).json({ sid: null, user: null, visits: 0, error: error.message });
  });

  return { ...(await listen(createServer(app))), bridge };
}

async function startFastify(store: SessionStore, { maxAgeMs, bridge: bridgeOptions, hold }: AppOptions): Promise<App> {
  const app = Fastify();
  const bridge = new ExpressSessionStore(store, bridgeOptions);
  const routes = managementRoutes(bridge);
  await app.register(fastifyCookie);
  await app.register(fastifySession, {
    secret: SECRET,
    store: bridge,
    saveUninitialized: false,
    rolling: true,
    cookie: { secure: false, maxAge: maxAgeMs },
  });
  const view = (session: FastifyRequest["session"] | null): SessionView => ({
    sid: session?.user === undefined ? null : session.sessionId,
    user: session?.user ?? null,
    visits: session?.visits ?? 0,
  });
  app.post<{ Querystring: { name: string } }>("/login", async (request) => {
    await request.session.regenerate();
    request.session.user = request.query.name;
    request.session.visits = 0;
    return view(request.session);
  });
  app.get("/me", async (request) => view(request.session));
  app.post("/visit", async (request) => {
    request.session.visits = (request.session.visits ?? 0) + 1;
    return view(request.session);
  });
  app.post("/logout", async (request) => {
    await request.session.destroy();
    return view(null);
  });
  app.post("/slow-visit", async (request) => {
    await hold?.();
    request.session.visits = (request.session.visits ?? 0) + 1;
    return view(request.session);
  });
  app.get("/sessions", async (request) => routes.sessions(request.session.user));
  app.post("/signout-others", async (request) => routes.signOutOthers(request.session.user, request.session.sessionId));
  app.post("/signout-everywhere", async (request) => routes.signOutEverywhere(request.session.user));
  app.get("/expiry", async (request) => {
    const cookie = request.session.cookie as typeof request.session.cookie & { originalExpires?: Date };
    return { expires: epochMs(cookie.expires), originalExpires: epochMs(cookie.originalExpires) };
  });

  const url = await app.listen({ port: 0, host: "127.0.0.1" });
  return { url, bridge, close: () => app.close() };
}
