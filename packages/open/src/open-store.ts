import type { ManagedSessionStore } from "@session-store/core";
import { isMissingPackage } from "@session-store/core/adapter";
import type { StoreTarget } from "./schemes.js";
import { storeTarget } from "./schemes.js";

/** Loads a package by name; swapped in tests to see what happens when one is missing. */
export type Importer = (packageName: string) => Promise<unknown>;

const importPackage: Importer = (packageName) => import(packageName);

/**
 * `openStore` with the importer as a parameter. The adapter package is loaded only
 * now, so an app installs just the one it uses. Errors never quote the URL: it may
 * carry a password.
 */
export async function openStore(url: string, importer: Importer = importPackage): Promise<ManagedSessionStore> {
  if (typeof url !== "string") throw new TypeError(`openStore needs a URL string, got ${url === null ? "null" : typeof url}`);
  const target = storeTarget(url.trim());
  const StoreClass = await loadStoreClass(target, importer);
  return new StoreClass(target.options);
}

type StoreClass = new (options: Record<string, unknown>) => ManagedSessionStore;

async function loadStoreClass(target: StoreTarget, importer: Importer): Promise<StoreClass> {
  const { backend, packageName, exportName } = target;
  let module: unknown;
  try {
    module = await importer(packageName);
  } catch (error) {
    if (isMissingPackage(error, packageName)) {
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
