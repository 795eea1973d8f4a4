import type pg from "pg";
import type { Statement, Statements } from "./statements.js";

/** Runs one statement of a sweep under the store's deadline. */
export type RunStatement = (statement: Statement, values: unknown[]) => Promise<pg.QueryArrayResult>;

/** What one sweep works with. */
export interface SweepContext {
  readonly statements: Statements;
  readonly batchSize: number;
  readonly run: RunStatement;
  /** True once the store is closing: the sweep ends at the next statement boundary. */
  readonly stopping: () => boolean;
}

/**
 * Deleting a large backlog in expiry order touches heap pages in random order, each
 * several times: on 1M rows of 1 KiB, half expired, it measured 2.5 to 6 times as
 * long as one plain DELETE, where a block walk measured about as long. Past this
 * many expired rows per block (the planner's estimate), walking the heap block by
 * block costs less than following the index.
 */
const BLOCK_WALK_ROWS_PER_BLOCK = 0.25;
/** Bounds on the blocks one block-walk statement reads, so no statement runs long. */
const MIN_CHUNK_BLOCKS = 8;
/** TID range scans came with PostgreSQL 14; before it, a block range would scan the whole table. */
const TID_RANGE_SCAN_VERSION = 140_000;
const MAX_CHUNK_BLOCKS = 4096;
/**
 * What one block-walk statement should take at most, in ms. On 1M rows, half expired, a
 * statement of ~290 blocks took 5-20 ms, but at times (a checkpoint, evicted dirty pages
 * waiting for a WAL flush, a busy machine) a few in a row took 60-550 ms: past this the
 * next range shrinks in proportion, so a slow spell is met with short statements.
 */
const TARGET_STATEMENT_MS = 50;
/** After a shrink the range grows back at most this much per statement, so a slow spell is not met at full size again at once. */
const MAX_GROWTH = 1.5;

/**
 * Deletes the expired rows in statements that each stay short, and resolves how
 * many were deleted. Usually that is a few batches along the expiry index. When
 * the first batch is full and the planner says the backlog is large, it walks the
 * heap instead, a range of blocks per statement, from a random block so that
 * several sweepers start apart, then mops up along the index from where the walk
 * began. Every statement skips rows another sweeper has locked, so concurrent
 * sweeps delete each row once and their counts add up.
 */
export async function sweepExpired(context: SweepContext): Promise<number> {
  const { batchSize, stopping } = context;
  let batch = await deleteBatch(context, "-infinity");
  let total = batch.deleted;
  if (batch.deleted < batchSize || stopping()) return total;

  let from = batch.next;
  const backlog = await estimateBacklog(context);
  if (backlog === undefined) return total;
  if (backlog.canWalk && backlog.expired >= backlog.blocks * BLOCK_WALK_ROWS_PER_BLOCK) {
    total += await walkBlocks(context, backlog);
    // Every row that had expired when the walk began is gone: the index part starts there.
    from = backlog.now;
  }
  while (!stopping()) {
    batch = await deleteBatch(context, from);
    total += batch.deleted;
    if (batch.deleted < batchSize) break;
    from = batch.next;
  }
  return total;
}

/** One batch along the expiry index, from `from` (inclusive) on. */
async function deleteBatch(context: SweepContext, from: string): Promise<{ deleted: number; next: string }> {
  const { rows } = await context.run(context.statements.sweepBatch, [from]);
  const [deleted, next] = rows[0] as [number, string | null];
  return { deleted, next: next ?? from };
}

interface Backlog {
  readonly blocks: number;
  readonly expired: number;
  /** The database's now() before the walk, ISO text. */
  readonly now: string;
  /** Whether the server has TID range scans. */
  readonly canWalk: boolean;
}

/** The backlog's size, or undefined when a close() came between its two statements. */
async function estimateBacklog(context: SweepContext): Promise<Backlog | undefined> {
  const size = await context.run(context.statements.sweepSize, []);
  const [blocks, now, version] = size.rows[0] as [number, string, number];
  if (context.stopping()) return undefined;
  const plan = await context.run(context.statements.sweepEstimate, []);
  const expired = (plan.rows[0]?.[0] as Array<{ Plan: { "Plan Rows": number } }>)[0]?.Plan["Plan Rows"] ?? 0;
  return { blocks, expired, now, canWalk: version >= TID_RANGE_SCAN_VERSION };
}

/**
 * Deletes expired rows block range by block range over the whole heap as it was
 * when the sweep measured it. Each range is sized from the estimate to hold about
 * one batch of expired rows, and resized as the real counts and times come in.
 */
async function walkBlocks(context: SweepContext, backlog: Backlog): Promise<number> {
  const { batchSize, stopping } = context;
  const { blocks } = backlog;
  let chunk = clamp(Math.ceil((batchSize * blocks) / Math.max(backlog.expired, 1)));
  const start = Math.floor(Math.random() * blocks);
  let total = 0;
  // Two legs: from the random start to the end, then from the first block to the start.
  for (const [first, end] of [
    [start, blocks],
    [0, start],
  ] as const) {
    for (let block = first, last = first; block < end && !stopping(); block = last) {
      last = Math.min(block + chunk, end);
      const started = performance.now();
      const { rows } = await context.run(context.statements.sweepBlocks, [`(${block},0)`, `(${last},0)`]);
      const elapsedMs = performance.now() - started;
      const deleted = rows[0]?.[0] as number;
      total += deleted;
      chunk = nextChunk(chunk, deleted === 0 ? MAX_GROWTH : batchSize / deleted, TARGET_STATEMENT_MS / Math.max(elapsedMs, 1));
    }
  }
  return total;
}

/** The next range: about one batch of expired rows and at most the target time, shrinking at most fourfold at a time. */
function nextChunk(chunk: number, byRows: number, byTime: number): number {
  return clamp(Math.round(chunk * Math.min(MAX_GROWTH, Math.max(0.25, Math.min(byRows, byTime)))));
}

function clamp(blocks: number): number {
  return Math.min(MAX_CHUNK_BLOCKS, Math.max(MIN_CHUNK_BLOCKS, blocks));
}
