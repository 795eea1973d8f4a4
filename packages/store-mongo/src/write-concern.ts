import type { WriteConcern } from "mongodb";

/**
 * An unacknowledged write concern (`w: 0`) resolves writes before the server has done
 * anything: `remove` would answer false, `sweep` NaN, `store` true for a write that
 * may not happen. Refused when the store is built, from the collection's effective
 * write concern (client, URL or Db).
 */
export function refuseUnacknowledged(collection: { readonly writeConcern?: WriteConcern | undefined }): void {
  const w = collection.writeConcern?.w;
  if (w === 0) {
    throw new RangeError(
      "MongoStore needs acknowledged writes, but the write concern is w: 0 (its outcome is unknown); use w: 1 or more",
    );
  }
}

/** A write answer without acknowledgement (should never pass `refuseUnacknowledged`); the store cannot vouch for it. */
export function requireAcknowledged(acknowledged: boolean): void {
  if (!acknowledged) {
    throw new Error("the write was not acknowledged (write concern w: 0), so its outcome is unknown; use w: 1 or more");
  }
}
