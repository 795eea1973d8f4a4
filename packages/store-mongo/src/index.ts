export { MongoStore } from "./mongo-store.js";
export type {
  MongoStoreClientOptions,
  MongoStoreCommonOptions,
  MongoStoreDbOptions,
  MongoStoreOptions,
  MongoStoreUrlOptions,
} from "./options.js";
export { DEFAULT_COLLECTION, DEFAULT_SWEEP_BATCH_SIZE } from "./options.js";
export type { SessionDocument } from "./document.js";
export { MAX_DATA_BYTES, MAX_DOCUMENT_BYTES } from "./document.js";
export { mongoIndexCommand } from "./schema.js";
