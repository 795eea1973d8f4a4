import type { SessionStore } from "@session-store/core";
import type { Backend } from "@session-store/harness";
import { BACKENDS, harness } from "@session-store/harness";
import { openStore } from "@session-store/open";

/** One backend the framework tests run on. */
export interface TestBackend {
  readonly name: string;
  /** Set when the backend is not available here; the tests show it in their titles. */
  readonly skip?: string;
  /** Opens a store over this test run's own namespace. */
  open(): Promise<SessionStore>;
  /** Closes the stores it opened and drops what they created. */
  cleanup(): Promise<void>;
}

/** Stores by URL over one namespace of the harness backend, closed and dropped by cleanup. */
function overHarness(backend: Backend): TestBackend {
  const namespace = backend.newNamespace();
  const opened: SessionStore[] = [];
  return {
    name: backend.name,
    skip: backend.skip,
    open: async () => {
      const store = await openStore(backend.storeUrl(namespace));
      opened.push(store);
      return store;
    },
    cleanup: async () => {
      await Promise.all(opened.splice(0).map((store) => store.close?.()));
      await backend.cleanup();
    },
  };
}

export const backends: readonly TestBackend[] = await Promise.all(BACKENDS.map(async (name) => overHarness(await harness(name))));
