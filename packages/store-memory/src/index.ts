export { MemoryStore } from "./memory-store.js";
export type { MemoryStoreOptions } from "./options.js";
export { DEFAULT_JANITOR_INTERVAL_MS } from "./options.js";
