import type { SessionStore } from "@session-store/core";

/** `store` with only the core methods, as a third-party store without session management looks. */
export function unmanaged(store: SessionStore): SessionStore {
  return {
    load: (id) => store.load(id),
    store: (id, data, ttlMs) => store.store(id, data, ttlMs),
    remove: (id) => store.remove(id),
    touch: (id, ttlMs) => store.touch(id, ttlMs),
  };
}
