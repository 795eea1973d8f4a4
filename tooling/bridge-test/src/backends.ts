import type { SessionStore } from "@session-store/core";
import { isManaged } from "@session-store/core";
import type { ReferenceEntry } from "@session-store/conformance/reference-store";
import { ReferenceStore } from "@session-store/conformance/reference-store";
import type { Backend } from "@session-store/harness";
import { BACKENDS, freePort, harness } from "@session-store/harness";
import { openStore } from "@session-store/open";
import { unmanaged } from "./unmanaged.js";

/** One backend the framework bridges' tests run on. */
export interface TestBackend {
  readonly name: string;
  /** Set when the backend is not available here; the tests show it in their titles. */
  readonly skip?: string;
  /**
   * Set when the backend is not available or its store has no session management:
   * the management tests skip, showing it in their titles.
   */
  readonly managementSkip?: string;
  /** Opens a store over this test run's own namespace. */
  open(): Promise<SessionStore>;
  /** A store of this backend that cannot reach it: its server's port with nobody listening, or a store that is down. */
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
async function overHarness(backend: Backend): Promise<TestBackend> {
  const namespace = backend.newNamespace();
  const opened: SessionStore[] = [];
  const openUrl = async (url: string) => {
    const store = await openStore(url);
    opened.push(store);
    return store;
  };
  const open = () => openUrl(backend.storeUrl(namespace));
  return {
    name: backend.name,
    skip: backend.skip,
    managementSkip: backend.skip ?? (isManaged(await open()) ? undefined : "its store has no session management yet"),
    open,
    dead: async () => {
      if (backend.url !== undefined) return openUrl(await unreachable(backend.storeUrl(namespace)));
      // An in-process backend has no server to lose: a closed store is as dead as it gets.
      const store = await open();
      await store.close?.();
      return store;
    },
    cleanup: async () => {
      await Promise.all(opened.splice(0).map((store) => store.close?.()));
      await backend.cleanup();
    },
  };
}

/**
 * The conformance suite's in-process reference store, which has session
 * management: the management tests run on it whatever the real stores have.
 */
function reference(): TestBackend {
  const records = new Map<string, ReferenceEntry>();
  return {
    name: "reference",
    open: async () => new ReferenceStore(records),
    dead: async () => {
      const store = new ReferenceStore(records);
      // As a driver would say it: the tests check that this text never reaches a page.
      store.failure = new Error("connect ECONNREFUSED 127.0.0.1:6379");
      return store;
    },
    cleanup: async () => records.clear(),
  };
}

/** The reference store seen as a third-party store without session management: the bridges' fallbacks. */
function thirdParty(): TestBackend {
  const { open, dead, cleanup } = reference();
  return {
    name: THIRD_PARTY,
    managementSkip: "no session management, by design",
    open: async () => unmanaged(await open()),
    dead: async () => unmanaged(await dead()),
    cleanup,
  };
}

/** The backend whose store has no session management by design; the management tests leave it out. */
export const THIRD_PARTY = "third-party store";

export const backends: readonly TestBackend[] = [
  reference(),
  thirdParty(),
  ...(await Promise.all(BACKENDS.map(async (name) => overHarness(await harness(name))))),
];
