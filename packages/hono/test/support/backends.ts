import type { SessionStore } from "@session-store/core";
import type { Backend } from "@session-store/harness";
import { BACKENDS, freePort, harness } from "@session-store/harness";
import { openStore } from "@session-store/open";
import { unmanaged } from "./unmanaged.js";

/** One backend the framework tests run on. */
export interface TestBackend {
  readonly name: string;
  /** Set when the backend is not available here; the tests show it in their titles. */
  readonly skip?: string;
  /** Opens a store over this test run's own namespace. */
  open(): Promise<SessionStore>;
  /** A store of this backend that cannot reach it: its server's port with nobody listening, or a closed store. */
  dead(): Promise<SessionStore>;
  /** Closes the stores it opened and drops what they created. */
  cleanup(): Promise<void>;
}

/** `url` with its port replaced by one nobody listens on. */
async function unreachable(url: string): Promise<string> {
  const parsed = new URL(url);
  parsed.port = String(await freePort());
  return parsed.href;
}

/** Stores by URL over one namespace of the harness backend, closed and dropped by cleanup. */
function overHarness(backend: Backend, wrap: (store: SessionStore) => SessionStore = (store) => store, name: string = backend.name): TestBackend {
  const namespace = backend.newNamespace();
  const opened: SessionStore[] = [];
  const openUrl = async (url: string) => {
    const store = await openStore(url);
    opened.push(store);
    return store;
  };
  return {
    name,
    skip: backend.skip,
    open: async () => wrap(await openUrl(backend.storeUrl(namespace))),
    dead: async () => {
      if (backend.url !== undefined) return wrap(await openUrl(await unreachable(backend.storeUrl(namespace))));
      const store = await openUrl(backend.storeUrl(namespace));
      await store.close?.();
      return wrap(store);
    },
    cleanup: async () => {
      await Promise.all(opened.splice(0).map((store) => store.close?.()));
      await backend.cleanup();
    },
  };
}

/** The backend whose store has no session management (a third-party store): the bridge's fallbacks. */
export const THIRD_PARTY = "third-party store (memory without management)";

export const backends: readonly TestBackend[] = [
  ...(await Promise.all(BACKENDS.map(async (name) => overHarness(await harness(name))))),
  overHarness(await harness("memory"), unmanaged, THIRD_PARTY),
];
