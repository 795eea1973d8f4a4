/** How the peer libraries are driven, and their versions for the table. */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import session from "express-session";
import type { SessionData, Store } from "express-session";
import type { Keyv } from "keyv";
import type { Workload } from "./types.js";

const require = createRequire(import.meta.url);

/** The installed version of `name`; `from`: a dependency whose own dependency it is (pnpm hides indirect ones). */
export function packageVersion(name: string, from?: string): string {
  let dir: string;
  try {
    dir = dirname((from ? createRequire(require.resolve(from)) : require).resolve(name));
  } catch {
    return "?";
  }
  // Walk up from the resolved entry: not every package exports its package.json.
  for (; dir !== dirname(dir); dir = dirname(dir)) {
    const path = join(dir, "package.json");
    const manifest = existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as { name?: string; version?: string }) : {};
    if (manifest.name === name && manifest.version) return manifest.version;
  }
  return "?";
}

const Cookie = session.Cookie as unknown as new (options: { maxAge: number; httpOnly: boolean }) => SessionData["cookie"];

/**
 * An express-session store (callback API, session objects) given the bytes the way its users
 * hold them: base64 in a field of the session object, beside the cookie that sets its expiry.
 */
export function expressStoreWorkload(store: Store, close: () => unknown): Workload {
  return {
    load: (id) =>
      new Promise((resolve, reject) =>
        store.get(id, (error, found) => (error ? reject(error as Error) : resolve(found && Buffer.from((found as unknown as { blob: string }).blob, "base64")))),
      ),
    store: (id, data, ttlMs) =>
      new Promise<void>((resolve, reject) => {
        const value = { cookie: new Cookie({ maxAge: ttlMs, httpOnly: true }), blob: data.toString("base64") };
        store.set(id, value, (error) => (error ? reject(error as Error) : resolve()));
      }),
    close: async () => close(),
  };
}

/** keyv given the Buffer itself with the ttl, or (`asObject`) a session object holding it as base64. */
export function keyvWorkload(keyv: Keyv, asObject = false): Workload {
  return {
    load: async (id) => {
      const found = await keyv.get<Buffer | { blob: string }>(id);
      return asObject && found ? Buffer.from((found as { blob: string }).blob, "base64") : found;
    },
    store: (id, data, ttlMs) => keyv.set(id, asObject ? { blob: data.toString("base64") } : data, ttlMs),
    close: () => keyv.disconnect(),
  };
}
