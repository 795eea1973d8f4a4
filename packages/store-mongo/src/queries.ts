import type { Binary, Document } from "mongodb";

/*
 * The store's commands, as plain documents so the tests can serialize them.
 *
 * One clock: the server's. `$$NOW` (MongoDB 4.2+) is the server's time when a command
 * starts, the same clock the TTL monitor compares `expiresAt` with, so app servers
 * with skewed clocks agree. Every per-id filter keeps an equality on `_id`, so each
 * call is one look-up in the `_id` index; the `$expr` only tests the one document found.
 *
 * A revocation (tombstone) is the session's own document with `revoked: true`, no
 * data and no owner, and `expiresAt` the end of the revocation: the TTL index (or
 * `sweep`) deletes it when it ends, and the check in `store` is atomic with the write.
 */

/** True while a document has not expired by the server's clock. */
const IS_LIVE = { $gt: ["$expiresAt", "$$NOW"] };

/** True for a revocation that has not ended. */
const IS_LIVE_REVOCATION = { $and: [{ $eq: ["$revoked", true] }, IS_LIVE] };

/** Not a revocation: tombstones carry the field, sessions never do. */
const NOT_REVOKED = { revoked: { $exists: false } };

/** The session under `id` if it is live (not expired, not revoked). The id is a value, never an operator. */
export function liveFilter(id: string): Document {
  return { _id: id, ...NOT_REVOKED, $expr: IS_LIVE };
}

/** The document under `id`, whatever it holds. */
export function idFilter(id: string): Document {
  return { _id: id };
}

/**
 * `store`: with `upsert` on `idFilter`, one atomic insert-or-replace of data, expiry
 * and owner, unless the document is a live revocation, which it leaves unchanged.
 * (`$expr` is not allowed in an upsert's filter, error 224, so the check is in the
 * pipeline.) `$literal` keeps the bytes and the owner values whatever they hold.
 */
export function storeUpdate(data: Binary, ttlMs: number, owner?: string): Document[] {
  const session: Document = { _id: "$_id", data: { $literal: data }, expiresAt: expiresIn(ttlMs) };
  if (owner !== undefined) session.owner = { $literal: owner };
  return [{ $replaceWith: { $cond: [IS_LIVE_REVOCATION, "$$ROOT", session] } }];
}

/** The revocation `store` left in place when an update matched and changed nothing. */
export function revocationFilter(id: string): Document {
  return { _id: id, revoked: true };
}

/** `touch`: only the expiry moves; data and owner are not rewritten. */
export function touchUpdate(ttlMs: number): Document[] {
  return [{ $set: { expiresAt: expiresIn(ttlMs) } }];
}

/**
 * `revoke`: the document becomes a revocation lasting until the later of the session's
 * (or an earlier revocation's) `expiresAt` and now + grace. `$max` ignores a missing
 * `expiresAt` (an upsert of an absent id).
 */
export function revokeUpdate(graceMs: number): Document[] {
  return [{ $replaceWith: { _id: "$_id", revoked: true, expiresAt: { $max: [expiresIn(graceMs), "$expiresAt"] } } }];
}

/** `load` returns only the bytes. */
export const LOAD_PROJECTION: Document = { _id: 0, data: 1 };

/** `entry` returns the bytes, the expiry and the owner. */
export const ENTRY_PROJECTION: Document = { _id: 0, data: 1, expiresAt: 1, owner: 1 };

/** The owner's live sessions: an equality on the partial `owner` index, then the expiry test. */
export function ownerFilter(owner: string, except?: string): Document {
  const filter: Document = { owner, ...NOT_REVOKED, $expr: IS_LIVE };
  if (except !== undefined) filter._id = { $ne: except };
  return filter;
}

/** `sessionsOf` returns the id and the expiry. */
export const OWNED_PROJECTION: Document = { _id: 1, expiresAt: 1 };

/** Every live session, or those after `afterId` in `_id` order (keyset pagination for `entries`). */
export function allLiveFilter(afterId?: string): Document {
  const filter: Document = { ...NOT_REVOKED, $expr: IS_LIVE };
  if (afterId !== undefined) filter._id = { $gt: afterId };
  return filter;
}

/** Every session, live or expired, and no revocation (`clear`'s second step). */
export const ALL_SESSIONS_FILTER: Document = { ...NOT_REVOKED };

/** `entries` returns the whole session. */
export const LISTED_PROJECTION: Document = { _id: 1, data: 1, expiresAt: 1, owner: 1 };

/** The documents expired at the server time `now` (sessions and ended revocations): a range on the `expiresAt` index. */
export function expiredFilter(now: Date): Document {
  return { expiresAt: { $lte: now } };
}

function expiresIn(ttlMs: number): Document {
  // A Date plus a number of milliseconds is a Date, which a TTL index can expire.
  return { $add: ["$$NOW", ttlMs] };
}
