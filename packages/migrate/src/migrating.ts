import type {
  EntriesOptions,
  ListedEntry,
  ManagedSessionStore,
  Operation,
  OwnedSession,
  RemoveSessionsOfOptions,
  SessionEntry,
  SessionManagement,
  SessionStore,
  StoreOptions,
} from "@session-store/core";
import { isManaged, SessionStoreError } from "@session-store/core";
import {
  checkArguments,
  checkEntriesOptions,
  checkKnownOptions,
  checkOwner,
  checkRemoveSessionsOf,
  checkStoreOptions,
  OrderedById,
} from "@session-store/core/adapter";

/**
 * The store sessions come from: a reader of a peer's data (read-only) or any store
 * with `entry` and `entries` (one of ours, e.g. SQLite on the way to PostgreSQL).
 */
export type MigrationSource = SessionStore &
  Pick<SessionManagement, "entry" | "entries"> &
  Partial<SessionManagement> & { readonly readOnly?: boolean };

export interface MigratingOptions {
  /** Where sessions are now; left as is when read-only, else emptied as sessions move. */
  readonly from: MigrationSource;
  /** Where sessions go: every write lands here. */
  readonly to: ManagedSessionStore;
}

const BACKEND = "migrating";

/**
 * A store that reads `to`, else `from`, moving what it finds there into `to` with its
 * remaining TTL and owner (and out of `from` when `from` can be written). Writes go to
 * `to`. Nothing is revived: `to`'s revocation is checked by the move itself (`to.store`
 * writes nothing for a revoked id), and a session still in `from` is removed by
 * revoking it in `to`, because a read-only `from` keeps its copy until it expires.
 */
export function migrating(options: MigratingOptions): MigratingStore {
  return new MigratingStore(options);
}

export class MigratingStore implements ManagedSessionStore {
  readonly #from: MigrationSource;
  readonly #to: ManagedSessionStore;
  readonly #fromWritable: boolean;
  readonly #order = new OrderedById();
  #closed = false;
  /** Present when `to` sweeps: sweeps both stores. */
  readonly sweep?: () => Promise<number>;

  constructor(options: MigratingOptions) {
    if (typeof options !== "object" || options === null) throw new TypeError("migrating options must be an object");
    checkKnownOptions(options, ["from", "to"], "migrating");
    const { from, to } = options;
    if (typeof from?.entry !== "function" || typeof from.entries !== "function") {
      throw new TypeError("from must be a store with entry() and entries() (a reader or a managed store)");
    }
    if (to === undefined || !isManaged(to)) throw new TypeError("to must be a store with session management");
    if (from === (to as unknown)) throw new TypeError("from and to must be different stores");
    this.#from = from;
    this.#to = to;
    this.#fromWritable = from.readOnly !== true;
    if (typeof to.sweep === "function") this.sweep = () => this.#sweep();
  }

  async load(id: string): Promise<Uint8Array | undefined> {
    checkArguments({ id });
    this.#open("load");
    return this.#order.run(id, async () => (await this.#to.load(id)) ?? (await this.#moveFromSource(id))?.data);
  }

  async entry(id: string): Promise<SessionEntry | undefined> {
    checkArguments({ id });
    this.#open("entry");
    return this.#order.run(id, () => this.#entry(id));
  }

  async store(id: string, data: Uint8Array, ttlMs: number, options?: StoreOptions): Promise<boolean> {
    checkArguments({ id, data, ttlMs });
    checkStoreOptions(options);
    this.#open("store");
    return this.#order.run(id, async () => {
      const written = await this.#to.store(id, data, ttlMs, options);
      if (written && this.#fromWritable) await this.#from.remove(id);
      return written;
    });
  }

  async touch(id: string, ttlMs: number): Promise<boolean> {
    checkArguments({ id, ttlMs });
    this.#open("touch");
    return this.#order.run(id, async () => {
      if (await this.#to.touch(id, ttlMs)) return true;
      if ((await this.#moveFromSource(id)) === undefined) return false;
      return this.#to.touch(id, ttlMs);
    });
  }

  async remove(id: string): Promise<boolean> {
    checkArguments({ id });
    this.#open("remove");
    return this.#order.run(id, async () => {
      const source = await this.#from.entry(id);
      if (source === undefined) return this.#to.remove(id);
      // Still in `from`: a plain delete in `to` would let the next read (or a move in
      // flight in another process) bring it back, so it ends as a revocation in `to`,
      // lasting as long as `from`'s copy.
      return this.#revokeListed({ id, ...source });
    });
  }

  async revoke(id: string): Promise<boolean> {
    checkArguments({ id });
    this.#open("revoke");
    return this.#order.run(id, () => this.#revoke(id));
  }

  async sessionsOf(owner: string): Promise<OwnedSession[]> {
    checkOwner(owner);
    this.#open("sessionsOf");
    const sessions = await this.#to.sessionsOf(owner);
    if (typeof this.#from.sessionsOf !== "function") return sessions;
    const known = new Set(sessions.map((session) => session.id));
    for (const { id } of await this.#from.sessionsOf(owner)) {
      if (known.has(id)) continue;
      const entry = await this.#order.run(id, () => this.#entry(id));
      if (entry?.owner === owner) sessions.push({ id, expiresAt: entry.expiresAt });
    }
    return sessions;
  }

  async removeSessionsOf(owner: string, options?: RemoveSessionsOfOptions): Promise<number> {
    const { except } = checkRemoveSessionsOf(owner, options);
    this.#open("removeSessionsOf");
    let removed = 0;
    if (typeof this.#from.sessionsOf === "function") {
      for (const { id } of await this.#from.sessionsOf(owner)) {
        if (id === except) continue;
        const revoked = await this.#order.run(id, async () => (await this.#entry(id))?.owner === owner && this.#revoke(id));
        if (revoked) removed += 1;
      }
    }
    return removed + (await this.#to.removeSessionsOf(owner, options));
  }

  /**
   * `to`'s sessions, after moving every session of `from` into `to`: only the move
   * tells a session revoked in `to` from one never seen there. Costs one pass over
   * `from` (plus a write per session not yet moved) before `to`'s own listing.
   */
  async *entries(options?: EntriesOptions): AsyncIterable<ListedEntry> {
    const batchSize = checkEntriesOptions(options);
    this.#open("entries");
    await this.#moveAll(batchSize);
    yield* this.#to.entries({ batchSize });
  }

  /** `to.count()` after moving every session of `from` (see `entries`). */
  async count(): Promise<number> {
    this.#open("count");
    await this.#moveAll();
    return this.#to.count();
  }

  /**
   * Empties both. A read-only `from` cannot be emptied: each of its live sessions is
   * revoked in `to` instead (one pass over `from`), so none comes back.
   */
  async clear(): Promise<number> {
    this.#open("clear");
    let removed = 0;
    if (this.#fromWritable && typeof this.#from.clear === "function") {
      removed += await this.#from.clear();
    } else {
      for await (const listed of this.#from.entries()) {
        if (await this.#order.run(listed.id, () => this.#revokeListed(listed))) removed += 1;
      }
    }
    return removed + (await this.#to.clear());
  }

  /** Pings both stores (a store without `ping` counts as reachable). */
  async ping(): Promise<void> {
    this.#open("ping");
    await Promise.all([this.#to.ping?.(), this.#from.ping?.()]);
  }

  /** Closes both stores. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([this.#to.close?.(), this.#from.close?.()]);
  }

  async #sweep(): Promise<number> {
    this.#open("sweep");
    const swept = await (this.#to.sweep as () => Promise<number>).call(this.#to);
    const fromSwept = this.#fromWritable && typeof this.#from.sweep === "function" ? await this.#from.sweep() : 0;
    return swept + fromSwept;
  }

  /** Moved first, so that `to`'s revocation lasts as long as `from`'s copy would. */
  async #revoke(id: string): Promise<boolean> {
    await this.#entry(id);
    const revoked = await this.#to.revoke(id);
    if (this.#fromWritable) await this.#from.remove(id);
    return revoked;
  }

  async #entry(id: string): Promise<SessionEntry | undefined> {
    return (await this.#to.entry(id)) ?? (await this.#moveFromSource(id));
  }

  /** Moves `from`'s live session `id` into `to`; `undefined` when there is none, it ended, or `to` has the id revoked. */
  async #moveFromSource(id: string): Promise<SessionEntry | undefined> {
    const source = await this.#from.entry(id);
    return source === undefined ? undefined : this.#move({ id, ...source });
  }

  /**
   * Writes `from`'s session into `to` with its remaining TTL and owner, then removes
   * it from `from`. `to.store` is the check and the write in one: it writes nothing
   * for an id revoked in `to`, so a revocation that lands before or during the move wins.
   */
  async #move(listed: ListedEntry): Promise<SessionEntry | undefined> {
    const { id, data, expiresAt, owner } = listed;
    const ttlMs = expiresAt - Date.now();
    if (!(ttlMs > 0)) return undefined;
    const written = await this.#to.store(id, data, ttlMs, owner === undefined ? undefined : { owner });
    if (!written) return undefined;
    if (this.#fromWritable) await this.#from.remove(id);
    return owner === undefined ? { data, expiresAt } : { data, expiresAt, owner };
  }

  /** Ends `from`'s session as a revocation in `to` lasting until its expiry; `true` if it was live (not revoked already). */
  async #revokeListed(listed: ListedEntry): Promise<boolean> {
    const moved = await this.#move(listed);
    const revoked = await this.#to.revoke(listed.id);
    return moved !== undefined && revoked;
  }

  /** Moves every session of `from` that `to` does not hold yet. */
  async #moveAll(batchSize?: number): Promise<void> {
    for await (const listed of this.#from.entries(batchSize === undefined ? undefined : { batchSize })) {
      await this.#order.run(listed.id, async () => {
        if ((await this.#to.entry(listed.id)) === undefined) await this.#move(listed);
      });
    }
  }

  #open(operation: Operation): void {
    if (this.#closed) throw SessionStoreError.closed(BACKEND, operation);
  }
}
