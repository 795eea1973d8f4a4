import type { ManagedSessionStore } from "@session-store/core";
import { openStore as open } from "./open-store.js";

/**
 * Opens the store a URL names: `memory:`, `sqlite:<path>`, `postgres://…`,
 * `postgresql://…`, `redis://…`, `rediss://…`, `mongodb://…`, `mongodb+srv://…`.
 * The matching adapter package must be installed (the error says which one).
 * Query parameters `table`, `schema`, `prefix`, `collection` and `sweepIntervalMs`
 * and `revocationGraceMs` become store options where the store has them; the rest stay in the URL for the driver.
 */
export function openStore(url: string): Promise<ManagedSessionStore> {
  return open(url);
}
