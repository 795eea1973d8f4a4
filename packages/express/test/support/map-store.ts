import type { SessionStore } from "@session-store/core";
import { checkArguments, SessionStoreError } from "@session-store/core";

/** A tiny in-test store that keeps the contract, for checking the bridge on its own. */
export class MapStore implements SessionStore {
  readonly entries = new Map<string, { data: Uint8Array; expiresAt: number }>();
  /** When set, every call rejects with it, as a store whose backend is down. */
  failure: Error | undefined;

  async load(id: string): Promise<Uint8Array | undefined> {
    checkArguments({ id });
    const entry = this.#live(id);
    return entry && entry.data.slice();
  }

  async store(id: string, data: Uint8Array, ttlMs: number): Promise<void> {
    const ttl = checkArguments({ id, data, ttlMs });
    this.#live(id);
    this.entries.set(id, { data: data.slice(), expiresAt: Date.now() + ttl });
  }

  async remove(id: string): Promise<boolean> {
    checkArguments({ id });
    const live = this.#live(id) !== undefined;
    this.entries.delete(id);
    return live;
  }

  async touch(id: string, ttlMs: number): Promise<boolean> {
    const ttl = checkArguments({ id, ttlMs });
    const entry = this.#live(id);
    if (entry) entry.expiresAt = Date.now() + ttl;
    return entry !== undefined;
  }

  #live(id: string) {
    if (this.failure) throw new SessionStoreError("backend down", { backend: "map", operation: "load", cause: this.failure });
    const entry = this.entries.get(id);
    if (entry && entry.expiresAt <= Date.now()) this.entries.delete(id);
    return entry && entry.expiresAt > Date.now() ? entry : undefined;
  }
}
