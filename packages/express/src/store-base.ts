import { EventEmitter } from "node:events";
import { createRequire } from "node:module";
import { isMissingPackage } from "@session-store/core/adapter";
import type { Store } from "express-session";

type Require = (id: string) => unknown;

/**
 * The class `ExpressSessionStore` extends. express-session needs its own `Store`
 * as the base (sessions are rebuilt with its `createSession`, `regenerate` and
 * `load`), so when the app has express-session installed, that is the base.
 * @fastify/session only calls get/set/destroy, so an app that uses it without
 * express-session gets a plain EventEmitter and need not install express-session.
 */
export function storeBase(load: Require = createRequire(import.meta.url)): typeof Store {
  try {
    return (load("express-session") as { Store: typeof Store }).Store;
  } catch (error) {
    if (!isMissingPackage(error, "express-session")) throw error;
    return EventEmitter as unknown as typeof Store;
  }
}

