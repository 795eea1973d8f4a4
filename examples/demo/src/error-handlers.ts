import type { ErrorRequestHandler, Request, RequestHandler } from "express";
import { badNamePage, internalErrorPage, notFoundPage, unavailablePage } from "./pages/errors.js";
import { MAX_NAME_LENGTH } from "./pages/sign-in.js";
import { isStoreFailure } from "./store-failure.js";

export function handleNotFound(backend: string): RequestHandler {
  return (req, res) => {
    res.status(404).type("html").send(notFoundPage({ backend, name: req.session?.name }));
  };
}

/**
 * The store's failures become a 503 that offers to try again; the error itself,
 * which may name hosts, tables or driver internals, goes to the server's log only.
 */
export function handleErrors(backend: string): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    const status = clientErrorStatus(error);
    if (status !== undefined) {
      res.status(status).type("html").send(badNamePage({ backend }, "", `The form could not be read: give a name of at most ${MAX_NAME_LENGTH} characters.`));
      return;
    }
    console.error(`${new Date().toISOString()} ${req.method} ${req.path} failed:`, error);
    res.set("Cache-Control", "no-store");
    if (isStoreFailure(error)) {
      res.status(503).set("Retry-After", "5").type("html").send(unavailablePage({ backend }, retryPath(req)));
      return;
    }
    res.status(500).type("html").send(internalErrorPage({ backend }));
  };
}

/** Body-parser errors (too large, malformed) carry a 4xx status meant for the client. */
function clientErrorStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" && status >= 400 && status < 500 ? status : undefined;
}

/** Where "Try again" leads: the same page for a read, the start for a form that failed. */
function retryPath(req: Request): string {
  const safe = req.originalUrl.startsWith("/") && !req.originalUrl.startsWith("//");
  return (req.method === "GET" || req.method === "HEAD") && safe ? req.originalUrl : "/";
}
