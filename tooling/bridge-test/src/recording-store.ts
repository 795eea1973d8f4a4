import type {
  EntriesOptions,
  ListedEntry,
  ManagedSessionStore,
  OwnedSession,
  RemoveSessionsOfOptions,
  SessionEntry,
  SessionStore,
  StoreOptions,
} from "@session-store/core";
import { isManaged } from "@session-store/core";

const NAMES = ["load", "store", "remove", "touch", "entry", "revoke", "sessionsOf", "removeSessionsOf", "entries", "count", "clear"] as const;

type Calls = Record<(typeof NAMES)[number], number>;

/** Counts the calls the bridge makes on a real store, passing each one through. */
export class RecordingStore implements SessionStore {
  readonly calls = Object.fromEntries(NAMES.map((name) => [name, 0])) as Calls;
  /** Every id stored, for cleanup. */
  readonly ids = new Set<string>();

  constructor(readonly inner: SessionStore) {}

  reset(): void {
    for (const name of NAMES) this.calls[name] = 0;
  }

  load(id: string): Promise<Uint8Array | undefined> {
    this.calls.load++;
    return this.inner.load(id);
  }

  store(id: string, data: Uint8Array, ttlMs: number, options?: StoreOptions): Promise<boolean> {
    this.calls.store++;
    this.ids.add(id);
    return options === undefined ? this.inner.store(id, data, ttlMs) : this.inner.store(id, data, ttlMs, options);
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

/** A `RecordingStore` over a managed store, counting the management calls too. */
export class ManagedRecordingStore extends RecordingStore implements ManagedSessionStore {
  constructor(override readonly inner: ManagedSessionStore) {
    super(inner);
  }

  entry(id: string): Promise<SessionEntry | undefined> {
    this.calls.entry++;
    return this.inner.entry(id);
  }

  revoke(id: string): Promise<boolean> {
    this.calls.revoke++;
    return this.inner.revoke(id);
  }

  sessionsOf(owner: string): Promise<OwnedSession[]> {
    this.calls.sessionsOf++;
    return this.inner.sessionsOf(owner);
  }

  removeSessionsOf(owner: string, options?: RemoveSessionsOfOptions): Promise<number> {
    this.calls.removeSessionsOf++;
    return this.inner.removeSessionsOf(owner, options);
  }

  entries(options?: EntriesOptions): AsyncIterable<ListedEntry> {
    this.calls.entries++;
    return this.inner.entries(options);
  }

  count(): Promise<number> {
    this.calls.count++;
    return this.inner.count();
  }

  clear(): Promise<number> {
    this.calls.clear++;
    return this.inner.clear();
  }
}

/** A recording wrapper that is managed exactly when `inner` is. */
export function recording(inner: SessionStore): RecordingStore {
  return isManaged(inner) ? new ManagedRecordingStore(inner) : new RecordingStore(inner);
}
