/**
 * Drives an express-session store (callback API, session objects) with the workload's
 * bytes the way its users hold them: base64 in a field of the session object, beside
 * the cookie that express-session puts there and that sets the store's expiry.
 */
import session from "express-session";
import type { SessionData, Store } from "express-session";
import type { Workload } from "../types.js";

type Cookie = SessionData["cookie"];
const CookieClass = session.Cookie as unknown as new (options: { maxAge: number; httpOnly: boolean }) => Cookie;

interface BlobSession extends SessionData {
  blob: string;
}

export function expressStoreWorkload(store: Store, close: () => Promise<void> | void): Workload {
  return {
    load: (id) =>
      new Promise((resolve, reject) => {
        store.get(id, (error, found) => {
          if (error) reject(error as Error);
          else resolve(found ? Buffer.from((found as BlobSession).blob, "base64") : undefined);
        });
      }),
    store: (id, data, ttlMs) =>
      new Promise<void>((resolve, reject) => {
        const value: BlobSession = {
          cookie: new CookieClass({ maxAge: ttlMs, httpOnly: true }),
          blob: data.toString("base64"),
        };
        store.set(id, value, (error) => (error ? reject(error as Error) : resolve()));
      }),
    close: async () => {
      await close();
    },
  };
}
