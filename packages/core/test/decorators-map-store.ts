import { checkArguments } from "../src/check-arguments.js";
import { SessionStoreError } from "../src/session-store-error.js";
import type { SessionStore } from "../src/session-store.js";

interface Entry {
  data: Uint8Array;
  expiresAt: number;
}

/**
 * A small sweep-based store over a Map, for the decorator tests: it records every id
 * it was called with, so a test can assert what a backend would have seen.
 */
export class MapStore implements SessionStore {
  readonly entries = new Map<string, Entry>();
  readonly seenIds: string[] = [];
  sweeps = 0;
  closed = false;

  async load(id: string): Promise<Uint8Array | undefined> {
    checkArguments({ id });
    this.enter(id, "load");
    return this.live(id)?.data.slice();
  }

  async store(id: string, data: Uint8Array, ttlMs: number): Promise<void> {
    const ttl = checkArguments({ id, data, ttlMs });
    this.enter(id, "store");
    this.entries.set(id, { data: data.slice(), expiresAt: Date.now() + ttl });
  }

  async remove(id: string): Promise<boolean> {
    checkArguments({ id });
    this.enter(id, "remove");
    const existed = this.live(id) !== undefined;
    this.entries.delete(id);
    return existed;
  }

  async touch(id: string, ttlMs: number): Promise<boolean> {
    const ttl = checkArguments({ id, ttlMs });
    this.enter(id, "touch");
    const entry = this.live(id);
    if (entry) entry.expiresAt = Date.now() + ttl;
    return entry !== undefined;
  }

  async sweep(): Promise<number> {
    if (this.closed) throw SessionStoreError.closed("map", "sweep");
    this.sweeps += 1;
    let deleted = 0;
    for (const [id, entry] of this.entries) {
      if (entry.expiresAt <= Date.now()) {
        this.entries.delete(id);
        deleted += 1;
      }
    }
    return deleted;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private enter(id: string, operation: "load" | "store" | "remove" | "touch"): void {
    if (this.closed) throw SessionStoreError.closed("map", operation);
    this.seenIds.push(id);
  }

  private live(id: string): Entry | undefined {
    const entry = this.entries.get(id);
    return entry && entry.expiresAt > Date.now() ? entry : undefined;
  }
}

/** A store without `sweep` or `close`, as a native-expiry backend looks. */
export function nativeExpiryStore(): SessionStore {
  const inner = new MapStore();
  return {
    load: (id) => inner.load(id),
    store: (id, data, ttlMs) => inner.store(id, data, ttlMs),
    remove: (id) => inner.remove(id),
    touch: (id, ttlMs) => inner.touch(id, ttlMs),
  };
}
