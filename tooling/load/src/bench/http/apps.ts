/**
 * The two small apps of the HTTP bench, each with the routes of a typical session mix:
 * `GET /` reads the session (rolling: every response touches it), `POST /cart` changes it,
 * `POST /login` regenerates it and files a user, `POST /logout` destroys it. A request
 * without a signed-in session gets 401, so a store that loses sessions shows as errors.
 */
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import fastifyCookie from "@fastify/cookie";
import fastifySession from "@fastify/session";
import express from "express";
import session from "express-session";
import type { Store } from "express-session";
import Fastify from "fastify";
import type { FastifyInstance } from "fastify";

export type Framework = "express" | "fastify";
export type RunningApp = { readonly port: number; close(): Promise<void> };

declare module "express-session" {
  interface SessionData {
    user?: string;
    cart?: number[];
  }
}
declare module "fastify" {
  interface Session {
    user?: string;
    cart?: number[];
  }
}

const SECRET = "http-bench-secret-of-at-least-32-characters";
const MAX_AGE_MS = 30 * 60_000;
/** A cart keeps its last items: the session stays about 200 bytes. */
const CART_ITEMS = 10;
let signIns = 0;

const addToCart = (cart: number[] | undefined, item: number) => [...(cart ?? []), item].slice(-CART_ITEMS);

async function expressApp(store: Store): Promise<RunningApp> {
  const app = express();
  app.use(session({ store, secret: SECRET, resave: false, saveUninitialized: false, rolling: true, cookie: { maxAge: MAX_AGE_MS } }));
  app.get("/", (req, res) => {
    if (!req.session.user) return void res.sendStatus(401);
    res.json({ user: req.session.user, items: req.session.cart?.length ?? 0 });
  });
  app.post("/cart", (req, res) => {
    if (!req.session.user) return void res.sendStatus(401);
    req.session.cart = addToCart(req.session.cart, signIns++);
    res.json({ items: req.session.cart.length });
  });
  app.post("/login", (req, res, next) =>
    req.session.regenerate((error) => {
      if (error) return next(error);
      req.session.user = `user-${signIns++}`;
      res.json({ user: req.session.user });
    }),
  );
  app.post("/logout", (req, res, next) => req.session.destroy((error) => (error ? next(error) : res.sendStatus(204))));
  const server = createServer(app).listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function fastifyApp(store: Store): Promise<RunningApp> {
  const app: FastifyInstance = Fastify();
  await app.register(fastifyCookie);
  // secure: false, or @fastify/session sends no cookie over plain http.
  await app.register(fastifySession, { store, secret: SECRET, saveUninitialized: false, rolling: true, cookie: { secure: false, maxAge: MAX_AGE_MS } });
  app.get("/", async (request, reply) => {
    const user = request.session.get("user");
    if (!user) return reply.code(401).send();
    return { user, items: request.session.get("cart")?.length ?? 0 };
  });
  app.post("/cart", async (request, reply) => {
    if (!request.session.get("user")) return reply.code(401).send();
    const cart = addToCart(request.session.get("cart"), signIns++);
    request.session.set("cart", cart);
    return { items: cart.length };
  });
  app.post("/login", async (request) => {
    await request.session.regenerate();
    request.session.set("user", `user-${signIns++}`);
    return { user: request.session.get("user") };
  });
  app.post("/logout", async (request, reply) => {
    await request.session.destroy();
    return reply.code(204).send();
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  return { port: (app.server.address() as AddressInfo).port, close: () => app.close() };
}

export const serveApp = (framework: Framework, store: Store): Promise<RunningApp> => (framework === "express" ? expressApp(store) : fastifyApp(store));
