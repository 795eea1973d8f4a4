import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import fastifyCookie from "@fastify/cookie";
import fastifySession from "@fastify/session";
import type { SessionStore } from "@session-store/core";
import express from "express";
import type { NextFunction, Request, Response } from "express";
import session from "express-session";
import Fastify from "fastify";
import type { FastifyRequest } from "fastify";
import { ExpressSessionStore } from "../../src/index.js";
import type { SessionView } from "./browser.js";

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
  close(): Promise<void>;
}

export type Framework = "express-session" | "@fastify/session";

export interface AppOptions {
  /** The session cookie's lifetime; the store keeps sessions as long. */
  readonly maxAgeMs: number;
}

const SECRET = "a test secret that is at least thirty-two characters long";

/**
 * The same small app on either framework, with rolling sessions and nothing saved
 * for visitors who did not sign in:
 * POST /login?name=… signs in (new session id), GET /me reads without changing
 * anything, POST /visit counts a visit, POST /logout destroys the session.
 */
export function startApp(framework: Framework, store: SessionStore, options: AppOptions): Promise<App> {
  return framework === "express-session" ? startExpress(store, options) : startFastify(store, options);
}

async function startExpress(store: SessionStore, { maxAgeMs }: AppOptions): Promise<App> {
  const app = express();
  app.use(
    session({
      store: new ExpressSessionStore(store),
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
  app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
    res.status(500).json({ sid: null, user: null, visits: 0, error: error.message });
  });

  const server = createServer(app);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}

async function startFastify(store: SessionStore, { maxAgeMs }: AppOptions): Promise<App> {
  const app = Fastify();
  await app.register(fastifyCookie);
  await app.register(fastifySession, {
    secret: SECRET,
    store: new ExpressSessionStore(store),
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

  const url = await app.listen({ port: 0, host: "127.0.0.1" });
  return { url, close: () => app.close() };
}
