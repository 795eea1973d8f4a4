import type { SessionStore } from "@session-store/core";

/** Counts the calls the bridge makes on a real store, passing each one through. */
export class RecordingStore implements SessionStore {
  readonly calls = { load: 0, store: 0, remove: 0, touch: 0 };
  /** Every id stored, for cleanup. */
  readonly ids = new Set<string>();

  constructor(readonly inner: SessionStore) {}

  reset(): void {
    this.calls.load = this.calls.store = this.calls.remove = this.calls.touch = 0;
  }

  load(id: string): Promise<Uint8Array | undefined> {
    this.calls.load++;
    return this.inner.load(id);
  }

  store(id: string, data: Uint8Array, ttlMs: number): Promise<void> {
    this.calls.store++;
    this.ids.add(id);
    return this.inner.store(id, data, ttlMs);
  }

  remove(id: string): Promise<boolean> {
    this.calls.remove++;
    return this.inner.remove(id);
  }

  touch(id: string, ttlMs: number): Promise<boolean> {
    this.calls.touch++;
    return this.inner.touch(id, ttlMs);
  }
}
