export { KoaSessionStore } from "./koa-session-store.js";
export { DEFAULT_TTL_MS } from "./options.js";
export type { KoaSession, KoaSessionStoreOptions, OwnerOf } from "./options.js";
