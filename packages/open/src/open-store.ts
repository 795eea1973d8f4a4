import type { SessionStore } from "@session-store/core";
import type { StoreTarget } from "./schemes.js";
import { parseStoreUrl, SCHEME_LIST, schemeOf } from "./schemes.js";

/** Loads a package by name; swapped in tests to see what happens when one is missing. */
export type Importer = (packageName: string) => Promise<unknown>;

const importPackage: Importer = (packageName) => import(packageName);

/**
 * Opens the store a URL names: `memory:`, `sqlite:<path>`, `postgres://…`,
 * `redis://…`/`rediss://…`, `mongodb://…`/`mongodb+srv://…`. The adapter package is
 * loaded only then, so an app installs just the one it uses. Errors never quote
 * the URL: it may carry a password.
 */
export async function openStore(url: string, importer: Importer = importPackage): Promise<SessionStore> {
  if (typeof url !== "string") throw new TypeError(`openStore needs a URL string, got ${url === null ? "null" : typeof url}`);
  const trimmed = url.trim();
  const target = parseStoreUrl(trimmed);
  if (!target) {
    throw new Error(`openStore: unknown scheme "${schemeOf(trimmed)}:" in the store URL; use one of ${SCHEME_LIST}`);
  }
  const StoreClass = await loadStoreClass(target, importer);
  return new StoreClass(target.options);
}

type StoreClass = new (options: Record<string, unknown>) => SessionStore;

async function loadStoreClass(target: StoreTarget, importer: Importer): Promise<StoreClass> {
  const { backend, packageName, exportName } = target;
  let module: unknown;
  try {
    module = await importer(packageName);
  } catch (error) {
    if (isMissing(error, packageName)) {
      throw new Error(`openStore: ${backend} URLs need ${packageName}, which is not installed. Run: npm install ${packageName}`, {
        cause: error,
      });
    }
    throw new Error(`openStore: ${packageName} failed to load`, { cause: error });
  }
  const StoreClass = (module as Record<string, unknown> | undefined)?.[exportName];
  if (typeof StoreClass !== "function") throw new Error(`openStore: ${packageName} does not export ${exportName}`);
  return StoreClass as StoreClass;
}

/** The package itself is not installed (not one of its own imports failing). */
function isMissing(error: unknown, packageName: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const notFound = code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND";
  return notFound && typeof message === "string" && message.includes(`'${packageName}'`);
}
