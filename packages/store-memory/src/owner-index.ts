import type { Entry } from "./entry.js";

/**
 * The ids of each owner's sessions, so `sessionsOf` and `removeSessionsOf` cost
 * O(sessions of that owner). The store keeps it exact: every session deleted,
 * replaced by a revocation or moved to another owner leaves its set, and an owner
 * whose set empties is dropped, so ended sessions never make it grow.
 */
export class OwnerIndex {
  readonly #ids = new Map<string, Set<string>>();

  /** Owners with at least one session held. */
  get size(): number {
    return this.#ids.size;
  }

  /** The ids filed under `owner`, live or not yet deleted; never modified by the caller. */
  idsOf(owner: string): ReadonlySet<string> | undefined {
    return this.#ids.get(owner);
  }

  /** Files `entry` under `owner` (`undefined`: under none), taking it out of its old owner's set. */
  file(entry: Entry, owner: string | undefined): void {
    if (entry.owner === owner) return;
    this.unfile(entry);
    entry.owner = owner;
    if (owner === undefined) return;
    let ids = this.#ids.get(owner);
    if (ids === undefined) this.#ids.set(owner, (ids = new Set()));
    ids.add(entry.id);
  }

  /** Takes `entry` out of its owner's set (no-op without an owner). */
  unfile(entry: Entry): void {
    const owner = entry.owner;
    if (owner === undefined) return;
    entry.owner = undefined;
    const ids = this.#ids.get(owner);
    if (ids === undefined) return;
    ids.delete(entry.id);
    if (ids.size === 0) this.#ids.delete(owner);
  }

  clear(): void {
    this.#ids.clear();
  }
}
