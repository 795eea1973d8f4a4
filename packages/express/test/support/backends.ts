import type { SessionStore } from "@session-store/core";
import { isManaged } from "@session-store/core";
import type { ReferenceEntry } from "@session-store/conformance/reference-store";
import { ReferenceStore } from "@session-store/conformance/reference-store";
import type { Backend } from "@session-store/harness";
import { BACKENDS, harness } from "@session-store/harness";
import { openStore } from "@session-store/open";
import { unmanaged } from "./unmanaged.js";

/** One backend the framework tests run on. */
export interface TestBackend {
  readonly name: string;
  /** Set when the backend is not available here; the tests show it in their titles. */
  readonly skip?: string;
  /**
   * Set when the backend is not available or its store has no session management
   * (yet): the management tests skip, showing it in their titles.
   */
  readonly managementSkip?: string;
  /** Opens a store over this test run's own namespace. */
  open(): Promise<SessionStore>;
  /** Closes the stores it opened and drops what they created. */
  cleanup(): Promise<void>;
}

/** Stores by URL over one namespace of the harness backend, closed and dropped by cleanup. */
async function overHarness(backend: Backend): Promise<TestBackend> {
  const namespace = backend.newNamespace();
  const opened: SessionStore[] = [];
  const open = async () => {
    const store = await openStore(backend.storeUrl(namespace));
    opened.push(store);
    return store;
  };
  return {
    name: backend.name,
    skip: backend.skip,
    managementSkip: backend.skip ?? (isManaged(await open()) ? undefined : "its store has no session management yet"),
    open,
    cleanup: async () => {
      await Promise.all(opened.splice(0).map((store) => store.close?.()));
      await backend.cleanup();
    },
  };
}

/**
 * The conformance suite's in-process reference store, which has session
 * management: the management tests run on it even while no real store has it.
 */
function reference(): TestBackend {
  const records = new Map<string, ReferenceEntry>();
  return {
    name: "reference",
    open: async () => new ReferenceStore(records),
    cleanup: async () => records.clear(),
  };
}

/** The reference store seen as a third-party store without session management: the bridge's fallbacks. */
function thirdParty(): TestBackend {
  const { open, cleanup } = reference();
  return { name: THIRD_PARTY, managementSkip: "no session management, by design", open: async () => unmanaged(await open()), cleanup };
}

/** The backend whose store has no session management by design; the management tests leave it out. */
export const THIRD_PARTY = "third-party store";

export const backends: readonly TestBackend[] = [
  reference(),
  thirdParty(),
  ...(await Promise.all(BACKENDS.map(async (name) => overHarness(await harness(name))))),
];
