export { RedisStore } from "./redis-store.js";
export type { RedisClient, RedisStoreConnection, RedisStoreOptions } from "./options.js";
export { DEFAULT_PREFIX } from "./options.js";
