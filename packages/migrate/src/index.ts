export { migrating, MigratingStore } from "./migrating.js";
export type { MigratingOptions, MigrationSource } from "./migrating.js";
export type { SessionReader } from "./session-reader.js";
export { ConnectRedisReader, CONNECT_REDIS_PREFIX, DEFAULT_TTL_WITHOUT_EXPIRY_MS } from "./connect-redis-reader.js";
export type { ConnectRedisReaderOptions, IoRedisReaderClient, NodeRedisReaderClient } from "./connect-redis-reader.js";
export { ConnectPgSimpleReader } from "./connect-pg-simple-reader.js";
export type { ConnectPgSimpleReaderOptions, Queryable } from "./connect-pg-simple-reader.js";
export { ConnectMongoReader, decodeConnectMongoDocument } from "./connect-mongo-reader.js";
export type { ConnectMongoDocument, ConnectMongoReaderOptions, MongoCollectionLike } from "./connect-mongo-reader.js";
