import type { SessionStore } from "@session-store/core";
import { isManaged } from "@session-store/core";
import type { UserSession } from "@session-store/express";
import { ExpressSessionStore } from "@session-store/express";

/** What the sessions page needs of the bridge. */
export type SessionDirectory = Pick<ExpressSessionStore, "sessionsOf" | "signOutOtherDevices" | "signOutEverywhere">;

export type { UserSession };

export interface SessionBridge {
  /** The express-session store. */
  readonly store: ExpressSessionStore;
  /** Undefined when the store cannot list a user's sessions (a third-party store without management). */
  readonly directory: SessionDirectory | undefined;
}

/**
 * A rolling session whose data did not change is written at most once a minute;
 * the store's expiry (which the sessions page shows) may then be up to that much
 * behind the cookie's.
 */
export const TOUCH_AFTER_MS = 60_000;

/** Wraps the store for express-session, filing every signed-in session under its user's name. */
export function sessionBridge(store: SessionStore, sessionTtlMs: number): SessionBridge {
  if (!isManaged(store)) return { store: new ExpressSessionStore(store, { ttlMs: sessionTtlMs }), directory: undefined };
  const bridge = new ExpressSessionStore(store, { ttlMs: sessionTtlMs, owner: (session) => session.name, touchAfterMs: TOUCH_AFTER_MS });
  return { store: bridge, directory: bridge };
}
