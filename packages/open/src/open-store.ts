import type { ManagedSessionStore } from "@session-store/core";
import { checkBoolean, checkKnownOptions, checkOptionsObject, isMissingPackage } from "@session-store/core/adapter";
import type { StoreTarget } from "./schemes.js";
import { storeTarget } from "./schemes.js";

/** Options of `openStore`. */
export interface OpenStoreOptions {
  /**
   * Ping the store before resolving, and reject with one line saying why it is not
   * ready (the store closed again) when the backend does not answer. Default `false`.
   */
  readonly ready?: boolean;
}

/** Loads a package by name; swapped in tests to see what happens when one is missing. */
export type Importer = (packageName: string) => Promise<unknown>;

const importPackage: Importer = (packageName) => import(packageName);

/**
 * `openStore` with the importer as a parameter. The adapter package is loaded only
 * now, so an app installs just the one it uses. Errors never quote the URL: it may
 * carry a password.
 */
export async function openStore(url: string, options: OpenStoreOptions = {}, importer: Importer = importPackage): Promise<ManagedSessionStore> {
  if (typeof url !== "string") throw new TypeError(`openStore needs a URL string, got ${url === null ? "null" : typeof url}`);
  checkOptionsObject(options, "openStore");
  checkKnownOptions(options, ["ready"], "openStore");
  const ready = options.ready === undefined ? false : checkBoolean(options.ready, "ready");
  const target = storeTarget(url.trim());
  const StoreClass = await loadStoreClass(target, importer);
  const store = new StoreClass(target.options);
  if (ready) await checkReady(store);
  return store;
}

/** Pings `store`; when it does not answer, closes it and rejects with one line, the store's error as `cause`. */
async function checkReady(store: ManagedSessionStore): Promise<void> {
  try {
    await store.ping?.();
  } catch (error) {
    await store.close?.().catch(() => undefined);
    const reason = (error as Error).message.split("\n", 1)[0]?.replace(/^(\S+ store: )ping failed: /, "$1");
    throw new Error(`session store not ready: ${reason}`, { cause: error });
  }
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
