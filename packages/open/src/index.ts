import type { ManagedSessionStore } from "@session-store/core";
import type { OpenStoreOptions } from "./open-store.js";
import { openStore as open } from "./open-store.js";

export type { OpenStoreOptions } from "./open-store.js";

/**
 * Opens the store a URL names: `memory:`, `sqlite:<path>`, `postgres://…`,
 * `postgresql://…`, `redis://…`, `rediss://…`, `mongodb://…`, `mongodb+srv://…`.
 * The matching adapter package must be installed (the error says which one).
 * Query parameters `table`, `schema`, `prefix`, `collection` and `sweepIntervalMs`
 * and `revocationGraceMs` become store options where the store has them; the driver's own
 * stay in the URL for it, and any other is a `TypeError` naming the nearest known one.
 * With `{ ready: true }` it pings the store before resolving (see `OpenStoreOptions`).
 */
export function openStore(url: string, options?: OpenStoreOptions): Promise<ManagedSessionStore> {
  return open(url, options);
}
