import { randomBytes } from "node:crypto";
import { isManaged } from "@session-store/core";
import type { ManagedSessionStore, SessionStore } from "@session-store/core";
import type { CheckContext, ConformanceOptions, CreateOptions } from "./types.js";

const DEFAULT_EXPIRY_SLACK_MS = 25;

/** A check's context plus the means to close what it opened. */
export interface OwnedContext extends CheckContext {
  dispose(): Promise<void>;
}

/** Builds the context one check runs in. */
export function createContext(options: ConformanceOptions): OwnedContext {
  const namespaces = new Map<SessionStore, string>();
  const capabilities = {
    sharedNamespace: false,
    expirySlackMs: DEFAULT_EXPIRY_SLACK_MS,
    management: true,
    ...options.capabilities,
  };

  const newNamespace = () => `ss_${randomBytes(6).toString("hex")}`;

  const open = async (namespace = newNamespace(), createOptions?: CreateOptions) => {
    const store = await (createOptions === undefined ? options.create(namespace) : options.create(namespace, createOptions));
    namespaces.set(store, namespace);
    return store;
  };

  return {
    options,
    capabilities,
    canInspect: options.inspect !== undefined,
    listedId: (id) => (options.listedId ? options.listedId(id) : id),
    newNamespace,
    open,
    async openManaged(namespace, createOptions): Promise<ManagedSessionStore> {
      const store = await open(namespace, createOptions);
      if (!isManaged(store)) throw new Error("conformance: the store has no session management (set capabilities.management: false)");
      return store;
    },
    namespaceOf(store) {
      const namespace = namespaces.get(store);
      if (namespace === undefined) throw new Error("conformance: this store was not opened by the check context");
      return namespace;
    },
    async inspect(store, id) {
      if (!options.inspect) throw new Error("conformance: the adapter gave no inspect hook");
      return options.inspect(this.namespaceOf(store), id);
    },
    async dispose() {
      const stores = [...namespaces.keys()];
      namespaces.clear();
      await Promise.all(stores.map((store) => store.close?.()));
    },
  };
}
