/** The part of a framework's session object that says when it expires. */
interface SessionCookie {
  readonly expires?: unknown;
  readonly maxAge?: unknown;
}

/**
 * How long the store should keep a session: until its cookie expires, so the
 * data and the cookie go together. express-session and @fastify/session both keep
 * a `Date` in `cookie.expires` (a string once it went through JSON) when the cookie
 * has a lifetime; a browser-session cookie has none and gets `defaultTtlMs`.
 * The result may be zero or negative: the cookie has already expired.
 */
export function sessionTtl(session: unknown, defaultTtlMs: number, now = Date.now()): number {
  const cookie = (session as { readonly cookie?: SessionCookie } | null | undefined)?.cookie;
  const expires = cookie?.expires;
  if (expires instanceof Date || typeof expires === "string" || typeof expires === "number") {
    const at = new Date(expires).getTime();
    if (!Number.isNaN(at)) return at - now;
  }
  if (typeof cookie?.maxAge === "number" && Number.isFinite(cookie.maxAge)) return cookie.maxAge;
  return defaultTtlMs;
}
