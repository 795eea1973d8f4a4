export { ExpressSessionStore } from "./express-session-store.js";
export type { UserSession } from "./express-session-store.js";
export { DEFAULT_LIST_LIMIT, DEFAULT_TTL_MS } from "./options.js";
export type { ExpressSessionStoreOptions, OwnerOf } from "./options.js";
export type { Serializer } from "./serializer.js";
