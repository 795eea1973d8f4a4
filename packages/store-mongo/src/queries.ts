import type { Binary, Document } from "mongodb";

/*
 * The store's commands, as plain documents so the tests can serialize them.
 *
 * One clock: the server's. `$$NOW` (MongoDB 4.2+) is the server's time when a command
 * starts, the same clock the TTL monitor compares `expiresAt` with, so app servers
 * with skewed clocks agree. Every filter keeps an equality on `_id`, so each call is
 * one look-up in the `_id` index; the `$expr` only tests the one document found.
 */

/** True while a document has not expired by the server's clock. */
const IS_LIVE = { $gt: ["$expiresAt", "$$NOW"] };

/** The document under `id` if it is live. The id is a value, never an operator. */
export function liveFilter(id: string): Document {
  return { _id: id, $expr: IS_LIVE };
}

/** The document under `id`, live or expired. */
export function idFilter(id: string): Document {
  return { _id: id };
}

/**
 * `store`: with `upsert`, one atomic insert-or-replace of the data and the expiry.
 * `$literal` keeps the bytes a value whatever they hold.
 */
export function storeUpdate(data: Binary, ttlMs: number): Document[] {
  return [{ $set: { data: { $literal: data }, expiresAt: expiresIn(ttlMs) } }];
}

/** `touch`: only the expiry moves; the data is not rewritten. */
export function touchUpdate(ttlMs: number): Document[] {
  return [{ $set: { expiresAt: expiresIn(ttlMs) } }];
}

/** `load` returns only the bytes. */
export const LOAD_PROJECTION: Document = { _id: 0, data: 1 };

/**
 * `remove` deletes the document live or expired and returns only whether it was live,
 * computed on the server by the same clock (projection expressions: MongoDB 4.4+).
 */
export const REMOVE_PROJECTION: Document = { _id: 0, live: IS_LIVE };

/** The documents expired at the server time `now`: a range on the `expiresAt` index. */
export function expiredFilter(now: Date): Document {
  return { expiresAt: { $lte: now } };
}

function expiresIn(ttlMs: number): Document {
  // A Date plus a number of milliseconds is a Date, which a TTL index can expire.
  return { $add: ["$$NOW", ttlMs] };
}
