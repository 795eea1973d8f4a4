/**
 * `@session-store/store-mongo/internal`: the commands and the index the store uses,
 * for tooling (the benchmark's raw contender) to send exactly the same. Not a stable API.
 */
export { idFilter, LOAD_PROJECTION, liveFilter, storeUpdate } from "./queries.js";
export { EXPIRY_INDEX_NAME, expiryIndex } from "./schema.js";
export type { ExpiryMode, IndexSpec } from "./schema.js";
