import FlatQueue from "flatqueue";
import type { Entry } from "./entry.js";

/** Below this many queue items, leftovers are never worth a rebuild. */
const MIN_ITEMS_BEFORE_COMPACTION = 1024;

/**
 * The stored entries of one kind (sessions, or revocations) ordered by expiry, so the janitor pops only what is due
 * instead of scanning every session.
 *
 * Deletion is lazy: removing or replacing an entry leaves its queue item in place,
 * and a popped item whose entry is gone (or was queued again earlier) is dropped.
 * An expiry moved later (touch) is not queued at once: when the early item comes
 * due, the entry is queued again at its real expiry. So the heap is only pushed
 * when an entry is new or its expiry moved earlier, and the janitor's work grows
 * with the number of items that came due, not with the number of sessions.
 */
export class ExpiryQueue {
  readonly #heap = new FlatQueue<Entry>();
  readonly #entries: ReadonlyMap<string, Entry>;
  readonly #revocations: boolean;

  /**
   * `entries` is the store's map: an item whose entry is no longer there is a leftover.
   * `kind` says which of its entries this queue holds.
   */
  constructor(entries: ReadonlyMap<string, Entry>, kind: "sessions" | "revocations" = "sessions") {
    this.#entries = entries;
    this.#revocations = kind === "revocations";
  }

  /** Items held, leftovers included. */
  get length(): number {
    return this.#heap.length;
  }

  /** Call after creating an entry or changing its `expiresAt`. */
  schedule(entry: Entry): void {
    if (entry.expiresAt < entry.queuedAt) {
      entry.queuedAt = entry.expiresAt;
      this.#heap.push(entry, entry.expiresAt);
    }
  }

  /**
   * Pops items until it finds a stored entry expiring at or before `limit` that
   * expires no later than any other; returns it (still stored: the caller deletes
   * it), or `undefined` when nothing is due by `limit`.
   */
  popDue(limit: number): Entry | undefined {
    const heap = this.#heap;
    while (heap.length > 0 && (heap.peekValue() as number) <= limit) {
      const queuedAt = heap.peekValue() as number;
      const entry = heap.pop() as Entry;
      if (this.#entries.get(entry.id) !== entry || entry.queuedAt !== queuedAt) continue;
      if (entry.expiresAt === queuedAt) return entry;
      // Touched since it was queued: queue it again at its real expiry.
      entry.queuedAt = Infinity;
      this.schedule(entry);
    }
    return undefined;
  }

  /**
   * Rebuilds the heap from the stored entries when leftovers outnumber them, so
   * removed sessions cannot pile up in memory. It runs after at least as many
   * leftovers as entries accumulated, so its cost spreads to O(log n) per write.
   */
  compactIfSparse(): void {
    const heap = this.#heap;
    if (heap.length < MIN_ITEMS_BEFORE_COMPACTION || heap.length < 2 * this.#entries.size) return;
    heap.clear();
    heap.shrink();
    for (const entry of this.#entries.values()) {
      if (entry.revoked !== this.#revocations) continue;
      entry.queuedAt = Infinity;
      this.schedule(entry);
    }
  }

  /** Lets go of popped items' references (the heap keeps them in its spare slots). */
  release(): void {
    this.#heap.shrink();
  }

  clear(): void {
    this.#heap.clear();
    this.#heap.shrink();
  }
}
