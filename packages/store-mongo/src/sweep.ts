import type { Collection, Db } from "mongodb";
import type { SessionDocument } from "./document.js";
import type { CommandOptions } from "./command-options.js";
import { expiredFilter } from "./queries.js";

/** The server's answer to a command it does not have (`hello` before 4.4.2 / 4.2.10). */
const COMMAND_NOT_FOUND = 59;

/**
 * The server's clock, from `hello.localTime`, or from the legacy `isMaster` on a
 * server without `hello`: a sweep deletes what is expired by the same clock `load`
 * compares with (`$$NOW`), and a literal date lets the filter be a range on the
 * `expiresAt` index rather than a scan.
 */
export async function serverTime(db: Db, options: CommandOptions): Promise<Date> {
  // `db.command` sends the document as given: its maxTimeMS goes in the document.
  const { maxTimeMS, ...rest } = options;
  const reply = await db.command({ hello: 1, maxTimeMS }, rest).catch((error: { code?: unknown }) => {
    if (error.code !== COMMAND_NOT_FOUND) throw error;
    return db.command({ isMaster: 1, maxTimeMS }, rest);
  });
  if (!(reply.localTime instanceof Date)) throw new Error("the server's hello reply has no localTime to sweep by");
  return reply.localTime;
}

/** What one batch found expired and how many of those it deleted (another sweeper may take some). */
export interface SweepBatch {
  readonly found: number;
  readonly deleted: number;
}

/**
 * Deletes at most `batchSize` documents (sessions and ended revocations) expired at
 * `now`: their ids from the index, then one `deleteMany` that checks the expiry
 * again, so a session stored anew between the two steps stays.
 */
export async function deleteExpiredBatch(
  collection: Collection<SessionDocument>,
  now: Date,
  batchSize: number,
  options: CommandOptions,
): Promise<SweepBatch> {
  const expired = await collection
    .find(expiredFilter(now), { ...options, projection: { _id: 1 }, limit: batchSize, batchSize })
    .toArray();
  if (expired.length === 0) return { found: 0, deleted: 0 };
  const ids = expired.map((document) => document._id);
  const result = await collection.deleteMany({ _id: { $in: ids }, ...expiredFilter(now) }, options);
  return { found: expired.length, deleted: result.deletedCount };
}
