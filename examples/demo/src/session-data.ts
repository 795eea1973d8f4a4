/** What the demo keeps in a session, beside express-session's cookie. */
declare module "express-session" {
  interface SessionData {
    /** The signed-in user: also the session's owner in the store. */
    name?: string;
    visits?: number;
    /** Epoch ms of the sign-in that started this session. */
    signedInAt?: number;
    /** Epoch ms of the latest request, to LAST_SEEN_PRECISION_MS. */
    lastSeenAt?: number;
    /** The browser and system it signed in from, e.g. "Chrome on Linux". */
    device?: string;
  }
}

/**
 * "Last seen" moves only once this much time has passed, so that a page view
 * changes the session (and writes it) at most once a minute.
 */
export const LAST_SEEN_PRECISION_MS = 60_000;
