export { ExpressSessionStore } from "./express-session-store.js";
export { DEFAULT_TTL_MS } from "./options.js";
export type { ExpressSessionStoreOptions } from "./options.js";
export type { Serializer } from "./serializer.js";
