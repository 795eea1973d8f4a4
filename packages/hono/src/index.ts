export { HonoSessionStore } from "./hono-session-store.js";
export { DEFAULT_TTL_MS } from "./options.js";
export type { HonoSessionStoreOptions, OwnerOf, SessionValues } from "./options.js";
