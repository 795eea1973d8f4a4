/**
 * `@session-store/store-mongo/internal`: the commands and the indexes the store uses,
 * for tooling (the benchmark's raw contender) to send exactly the same. Not a stable API.
 */
export { idFilter, LOAD_PROJECTION, liveFilter, revokeUpdate, storeUpdate } from "./queries.js";
export { EXPIRY_INDEX_NAME, expiryIndex, OWNER_INDEX, OWNER_INDEX_NAME, storeIndexes } from "./schema.js";
export type { ExpiryMode, IndexSpec } from "./schema.js";
export { commandOptions } from "./command-options.js";
