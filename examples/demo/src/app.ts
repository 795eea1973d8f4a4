import { promisify } from "node:util";
import type { SessionStore } from "@session-store/core";
import express from "express";
import type { Request, Response } from "express";
import session from "express-session";
import { describeDevice } from "./device.js";
import { handleErrors, handleNotFound } from "./error-handlers.js";
import type { PageContext } from "./pages/layout.js";
import { badNamePage } from "./pages/errors.js";
import { homePage } from "./pages/home.js";
import type { DeviceView } from "./pages/sessions.js";
import { sessionsPage } from "./pages/sessions.js";
import { checkName } from "./pages/sign-in.js";
import { securityHeaders } from "./security-headers.js";
import { sessionBridge } from "./session-bridge.js";
import type { UserSession } from "./session-bridge.js";
import { LAST_SEEN_PRECISION_MS } from "./session-data.js";
import { PUBLIC_DIR } from "./static-files.js";

export interface AppOptions {
  readonly store: SessionStore;
  readonly secret: string;
  readonly sessionTtlMs: number;
  /** Where the sessions live, for the header. */
  readonly backend: string;
}

const COOKIE = "demo.sid";

export function createApp({ store, secret, sessionTtlMs, backend }: AppOptions): express.Express {
  const bridge = sessionBridge(store, sessionTtlMs);
  const app = express();
  const context = (req: Request): PageContext => ({ backend, name: req.session?.name });
  const sendPage = (res: Response, html: string, status = 200) => res.status(status).type("html").send(html);

  app.disable("x-powered-by");
  app.use(securityHeaders);
  app.get("/favicon.ico", (_req, res) => res.redirect(301, "/favicon.svg"));
  app.use(express.static(PUBLIC_DIR, { index: false, maxAge: "1h" }));
  app.use(express.urlencoded({ extended: false, limit: "1kb" }));
  app.use(
    session({
      name: COOKIE,
      store: bridge.store,
      secret,
      // Nothing is stored for visitors who do not sign in; a signed-in session lives
      // sessionTtlMs after its last request.
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: { maxAge: sessionTtlMs, httpOnly: true, sameSite: "lax" },
    }),
  );
  app.use((req, _res, next) => {
    const now = Date.now();
    if (req.session.name !== undefined && now - (req.session.lastSeenAt ?? 0) >= LAST_SEEN_PRECISION_MS) req.session.lastSeenAt = now;
    next();
  });

  app.get("/", (req, res) => {
    if (req.session.name !== undefined) req.session.visits = (req.session.visits ?? 0) + 1;
    sendPage(res, homePage(context(req), req.session.visits, req.query.signedOut === "everywhere"));
  });

  app.post("/login", (req, res, next) => {
    const value = typeof req.body?.name === "string" ? req.body.name : "";
    const checked = checkName(value);
    if (!checked.ok) return void sendPage(res, badNamePage(context(req), value, checked.message), 400);
    // A new session id at sign-in, so an id planted before it is worth nothing.
    req.session.regenerate((error) => {
      if (error) return next(error);
      const now = Date.now();
      Object.assign(req.session, { name: checked.name, visits: 0, signedInAt: now, lastSeenAt: now, device: describeDevice(req.get("user-agent")) });
      res.redirect(303, "/");
    });
  });

  app.post("/logout", async (req, res) => {
    await promisify(req.session.destroy.bind(req.session))();
    res.clearCookie(COOKIE).redirect(303, "/");
  });

  app.get("/session", (_req, res) => res.redirect(301, "/sessions"));

  app.get("/sessions", async (req, res) => {
    const { name } = req.session;
    const { directory } = bridge;
    if (name === undefined) return void sendPage(res, sessionsPage(context(req), { kind: "signed-out" }));
    if (!directory) return void sendPage(res, sessionsPage(context(req), { kind: "unsupported" }));
    // Write this request's rolling extension first, so this device's countdown is what the store now holds.
    req.session.lastSeenAt = Date.now();
    req.session.touch();
    await promisify(req.session.save.bind(req.session))();
    const owned = await directory.sessionsOf(name);
    // expiresAt is by the backend's clock; the demo runs next to its store, so the difference is small.
    const now = Date.now();
    const devices = owned.map((entry) => deviceView(entry, req.sessionID, now)).sort(byCurrentThenLastSeen);
    sendPage(res, sessionsPage(context(req), { kind: "listed", devices, now, signedOut: countParam(req.query.signedOut) }));
  });

  app.post("/sessions/sign-out-others", async (req, res) => {
    const { name } = req.session;
    if (name === undefined || !bridge.directory) return void res.redirect(303, "/sessions");
    const count = await bridge.directory.signOutOtherDevices(name, req.sessionID);
    res.redirect(303, `/sessions?signedOut=${count}`);
  });

  app.post("/sessions/sign-out-everywhere", async (req, res) => {
    const { name } = req.session;
    if (name === undefined || !bridge.directory) return void res.redirect(303, "/sessions");
    await bridge.directory.signOutEverywhere(name);
    await promisify(req.session.destroy.bind(req.session))();
    res.clearCookie(COOKIE).redirect(303, "/?signedOut=everywhere");
  });

  app.use(handleNotFound(backend));
  app.use(handleErrors(backend));
  return app;
}

function deviceView({ id, expiresAt, session: data }: UserSession, currentId: string, now: number): DeviceView {
  return {
    current: id === currentId,
    device: data.device ?? "Unknown browser",
    signedInAt: data.signedInAt,
    lastSeenAt: data.lastSeenAt,
    remainingMs: expiresAt - now,
  };
}

function byCurrentThenLastSeen(a: DeviceView, b: DeviceView): number {
  if (a.current !== b.current) return a.current ? -1 : 1;
  return (b.lastSeenAt ?? 0) - (a.lastSeenAt ?? 0);
}

/** The `signedOut` query parameter a sign-out redirects with, when it is a count. */
function countParam(value: unknown): number | undefined {
  return typeof value === "string" && /^\d{1,6}$/.test(value) ? Number(value) : undefined;
}
