import { SessionStoreError } from "../session-store-error.js";
import type { SessionStore } from "../session-store.js";

/** What a store without `ping` (a third-party one) loads instead: any id answers the same. */
const PROBE_ID = "session-store:ready-probe";

/** One cheap round trip to `store`: its `ping`, else a `load`. Rejects with a `SessionStoreError`. */
export async function pingStore(store: SessionStore, backend: string): Promise<void> {
  try {
    await (typeof store.ping === "function" ? store.ping() : store.load(PROBE_ID));
  } catch (error) {
    throw SessionStoreError.from(error, backend, "ping");
  }
}

/**
 * `pingStore` for an app's startup: rejects with one line saying why the store is
 * not ready ("session store not ready: redis store: cannot reach …"), the store's
 * error as `cause`.
 */
export async function storeReady(store: SessionStore, backend: string): Promise<void> {
  try {
    await pingStore(store, backend);
  } catch (error) {
    const reason = (error as Error).message.split("\n", 1)[0]?.replace(/^(\S+ store: )ping failed: /, "$1");
    throw new Error(`session store not ready: ${reason}`, { cause: error });
  }
}
