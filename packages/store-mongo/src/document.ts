import type { Binary } from "mongodb";
import { mongoDriver } from "./driver.js";

/**
 * One session, or one revocation, as MongoDB holds it. `expiresAt` must be a BSON
 * Date: a TTL index ignores documents whose indexed field holds a number or a string.
 */
export interface SessionDocument {
  /** The session id, as a string: ids are data, never query syntax. */
  _id: string;
  /** The bytes, BSON binary subtype 0. Absent in a revocation. */
  data?: Binary;
  /** When the session (or the revocation) ends, by the server's clock. */
  expiresAt: Date;
  /** The owner the session was stored under; absent when none (and in a revocation). */
  owner?: string;
  /** Only in a revocation: the id stays dead until `expiresAt`. */
  revoked?: true;
}

/** MongoDB's limit on one document, `maxBsonObjectSize`: 16 MiB. */
export const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

/**
 * The most session data that fits in one document whatever the id and owner: 16 MiB
 * less the document's other fields with the longest id and owner core accepts (512
 * UTF-8 bytes each): 1,081 bytes, as the BSON serializer measures them (a test checks
 * it). A fixed number, so whether data fits never depends on the id or owner it is
 * stored under, and known without loading the driver.
 */
export const MAX_DATA_BYTES = MAX_DOCUMENT_BYTES - 1_081;

/** Copies the caller's bytes into a Binary, so later changes to their array change nothing stored. */
export function toBinary(data: Uint8Array): Binary {
  // The Uint8Array constructor copies; Binary then wraps that copy without another one.
  return new (mongoDriver().Binary)(new Uint8Array(data));
}

/**
 * The bytes of a stored `data` field as a fresh Uint8Array of their own: the driver
 * hands out a view into its whole response buffer. Takes a Binary, or a Buffer from
 * a client created with `promoteBuffers: true`.
 */
export function fromBinary(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (isBinary(value)) return new Uint8Array(value.buffer.subarray(0, value.position));
  throw new TypeError("the stored document's data field is not BSON binary data");
}

function isBinary(value: unknown): value is Binary {
  // `_bsontype`, not instanceof: an application may load its own copy of the bson package.
  return (value as { _bsontype?: unknown } | null)?._bsontype === "Binary";
}
