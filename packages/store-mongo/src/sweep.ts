import type { Abortable, Collection, Db, DeleteOptions, FindOptions } from "mongodb";
import type { SessionDocument } from "./document.js";
import { expiredFilter } from "./queries.js";

/**
 * The server's clock, from `hello.localTime`: a sweep deletes what is expired by the
 * same clock `load` compares with (`$$NOW`), and a literal date lets the filter be a
 * range on the `expiresAt` index rather than a scan.
 */
export async function serverTime(db: Db, signal: AbortSignal): Promise<Date> {
  const reply = await db.command({ hello: 1 }, { signal });
  if (!(reply.localTime instanceof Date)) throw new Error("the server's hello reply has no localTime to sweep by");
  return reply.localTime;
}

/** What one batch found expired and how many of those it deleted (another sweeper may take some). */
export interface SweepBatch {
  readonly found: number;
  readonly deleted: number;
}

/**
 * Deletes at most `batchSize` documents expired at `now`: their ids from the index,
 * then one `deleteMany` that checks the expiry again, so a session stored anew
 * between the two steps stays.
 */
export async function deleteExpiredBatch(
  collection: Collection<SessionDocument>,
  now: Date,
  batchSize: number,
  signal: AbortSignal,
): Promise<SweepBatch> {
  const findOptions: FindOptions & Abortable = { projection: { _id: 1 }, limit: batchSize, batchSize, signal };
  const expired = await collection.find(expiredFilter(now), findOptions).toArray();
  if (expired.length === 0) return { found: 0, deleted: 0 };
  const deleteOptions: DeleteOptions & Abortable = { signal };
  const ids = expired.map((document) => document._id);
  const result = await collection.deleteMany({ _id: { $in: ids }, ...expiredFilter(now) }, deleteOptions);
  return { found: expired.length, deleted: result.deletedCount };
}
