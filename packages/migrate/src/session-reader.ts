import type { EntriesOptions, ListedEntry, Operation, SessionEntry, SessionStore } from "@session-store/core";
import { SessionStoreError } from "@session-store/core";

/**
 * A read-only store over a peer package's own data: `load`, `entry`, `entries` and
 * `count` read it as the peer left it; every write rejects, since the peer's
 * application may still be running and the data is its own.
 */
export interface SessionReader extends SessionStore {
  /** Always `true`: `migrating` leaves the peer's data where it is. */
  readonly readOnly: true;
  entry(id: string): Promise<SessionEntry | undefined>;
  entries(options?: EntriesOptions): AsyncIterable<ListedEntry>;
  count(): Promise<number>;
  close(): Promise<void>;
}

/** The session JSON text as the bytes our bridge's default serializer decodes. */
export const sessionBytes = (json: string): Uint8Array => new TextEncoder().encode(json);

/** The rejection of every write on a reader. */
export function readOnlyError(backend: string, operation: Operation): SessionStoreError {
  return new SessionStoreError(`cannot ${operation}: the ${backend} reader is read-only (write to the store you migrate to)`, {
    backend,
    operation,
  });
}
