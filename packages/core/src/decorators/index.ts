export { createIdHasher, hashedIds, MIN_SECRET_BYTES } from "./hashed-ids.js";
export type { HashedIdsOptions } from "./hashed-ids.js";
export { encrypted, ENCRYPTION_OVERHEAD_BYTES, KEY_BYTES } from "./encrypted.js";
export type { EncryptedOptions, UndecryptableReason } from "./encrypted.js";
export type { DecoratedStore } from "./pass-through.js";
