export { RedisStore } from "./redis-store.js";
export type { IoRedisClient, NodeRedisClient, RedisClient, RedisStoreConnection, RedisStoreOptions } from "./options.js";
export { DEFAULT_PREFIX } from "./options.js";
