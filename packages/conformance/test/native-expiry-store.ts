import type { SessionStore } from "@session-store/core";
import { ReferenceStore } from "../src/reference-store.js";

/** A store without `sweep` or `close`, as a native-expiry backend looks. */
export function nativeExpiryStore(): SessionStore {
  const inner = new ReferenceStore();
  return {
    load: (id) => inner.load(id),
    store: (id, data, ttlMs) => inner.store(id, data, ttlMs),
    remove: (id) => inner.remove(id),
    touch: (id, ttlMs) => inner.touch(id, ttlMs),
  };
}
