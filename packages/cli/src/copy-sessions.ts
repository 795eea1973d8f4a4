import type { EntriesOptions, ListedEntry, SessionEntry, StoreOptions } from "@session-store/core";
import { redact } from "@session-store/core/adapter";

/** Where sessions are copied from: a store of ours or a reader of a peer's data. */
export interface CopySource {
  entries(options?: EntriesOptions): AsyncIterable<ListedEntry>;
}

/** Where they go: a store with session management. */
export interface CopyTarget {
  entry(id: string): Promise<SessionEntry | undefined>;
  store(id: string, data: Uint8Array, ttlMs: number, options?: StoreOptions): Promise<boolean>;
}

export interface CopyCounts {
  /** Sessions the source listed (a Redis SCAN may list one twice). */
  listed: number;
  copied: number;
  /** Live in the target already (an earlier run, or the app writing there): left as it is. */
  alreadyInTarget: number;
  /** Ended between the listing and the write. */
  expired: number;
  /** The target holds the id revoked (`store` wrote nothing). */
  revokedInTarget: number;
  failed: number;
  /** How many failed for each reason (error class and message; an error names no session id). */
  failures: Record<string, number>;
}

export interface CopyOptions {
  readonly from: CopySource;
  readonly to: CopyTarget;
  /** Sessions listed per page and copied at once. Default 200. */
  readonly batchSize?: number;
  /** Called after each batch with the counts so far. */
  readonly onBatch?: (counts: Readonly<CopyCounts>) => void;
  /** Stops after the batch in flight; the counts so far are returned. */
  readonly signal?: AbortSignal;
}

export const DEFAULT_BATCH_SIZE = 200;

/**
 * Copies every live session of `from` into `to` with its remaining TTL and owner.
 * A session the target already holds is never overwritten (it is the same one from
 * an earlier run, or a newer one the app wrote), so an interrupted copy resumes by
 * running it again: no cursor or file is needed, whatever order the source lists in.
 * A listing error rejects; a failed write is counted and the copy goes on.
 */
export async function copySessions(options: CopyOptions): Promise<CopyCounts> {
  const { from, to, onBatch, signal } = options;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const counts: CopyCounts = { listed: 0, copied: 0, alreadyInTarget: 0, expired: 0, revokedInTarget: 0, failed: 0, failures: {} };
  let batch: ListedEntry[] = [];
  const flush = async () => {
    counts.listed += batch.length;
    const outcomes = await Promise.all(batch.map((listed) => copyOne(to, listed)));
    for (const outcome of outcomes) {
      if (typeof outcome === "string") counts[outcome] += 1;
      else {
        counts.failed += 1;
        counts.failures[outcome.reason] = (counts.failures[outcome.reason] ?? 0) + 1;
      }
    }
    batch = [];
    onBatch?.(counts);
  };
  for await (const listed of from.entries({ batchSize })) {
    batch.push(listed);
    if (batch.length < batchSize) continue;
    await flush();
    if (signal?.aborted) return counts;
  }
  if (batch.length > 0) await flush();
  return counts;
}

type Outcome = "copied" | "alreadyInTarget" | "expired" | "revokedInTarget" | { reason: string };

async function copyOne(to: CopyTarget, listed: ListedEntry): Promise<Outcome> {
  const { id, data, expiresAt, owner } = listed;
  try {
    if ((await to.entry(id)) !== undefined) return "alreadyInTarget";
    const ttlMs = expiresAt - Date.now();
    if (!(ttlMs > 0)) return "expired";
    const written = await to.store(id, data, ttlMs, owner === undefined ? undefined : { owner });
    return written ? "copied" : "revokedInTarget";
  } catch (error) {
    return { reason: reasonOf(error) };
  }
}

/** "SessionStoreError: redis store failed: …", short, with anything URL- or password-like cut out. */
function reasonOf(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : "non-error thrown";
  return redact(text).slice(0, 200);
}
