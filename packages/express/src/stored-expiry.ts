/**
 * Puts the store's real expiry into a loaded session's cookie, so a page reading
 * `cookie.expires` after a touch sees when the session really ends (the stored
 * bytes still hold the expiry of the last full save).
 */
export function withStoredExpiry<T extends Record<string, unknown>>(session: T, expiresAt: number): T {
  const cookie = session.cookie;
  if (typeof cookie === "object" && cookie !== null && !Array.isArray(cookie)) {
    (cookie as Record<string, unknown>).expires = new Date(expiresAt);
  }
  return session;
}
