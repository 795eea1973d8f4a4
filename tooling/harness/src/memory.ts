import type { Backend } from "./backend.js";
import { namespaceSet } from "./backend.js";

/** The in-process memory store: nothing outside the store to inspect or drop. */
export function memoryBackend(): Backend {
  const namespaces = namespaceSet();
  return {
    name: "memory",
    newNamespace: () => namespaces.next(),
    storeUrl: () => "memory:",
    inspect: () => Promise.reject(new Error("memory: the data lives only inside the store, there is no backend to inspect")),
    cleanup: async () => {},
  };
}
