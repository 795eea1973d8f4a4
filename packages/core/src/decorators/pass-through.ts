import type { ManagedSessionStore, SessionManagement, SessionStore } from "../session-store.js";
import { isManaged } from "../session-store.js";

/**
 * A wrapped store: the four operations, plus `sweep`, `close` and `ping` exactly when the
 * wrapped store has them, plus session management exactly when the wrapped store is managed.
 */
export type DecoratedStore<S extends SessionStore> = Omit<SessionStore, "sweep" | "close" | "ping"> &
  Pick<S, "sweep" | "close" | "ping"> &
  (S extends SessionManagement ? SessionManagement : unknown);

type Operations = Pick<SessionStore, "load" | "store" | "remove" | "touch">;

/** The management methods a decorator changes, given the managed store it wraps; the others pass through. */
export type ManagementOverrides = (inner: ManagedSessionStore) => Partial<SessionManagement>;

/**
 * Builds a decorator's store from its four operations and passes `sweep`, `close` and
 * `ping` through to the wrapped store. `sweep` is only present when the wrapped store has
 * it, so a native-expiry backend still looks like one. Likewise session management:
 * over a managed store every method is there (the decorator's own where it gives
 * one, else the wrapped store's); over an unmanaged store there is none.
 */
export function passThrough<S extends SessionStore>(
  inner: S,
  operations: Operations,
  management?: ManagementOverrides,
): DecoratedStore<S> {
  const wrapped: SessionStore = { ...operations };
  const { sweep, close, ping } = inner;
  if (typeof sweep === "function") wrapped.sweep = () => sweep.call(inner);
  if (typeof close === "function") wrapped.close = () => close.call(inner);
  if (typeof ping === "function") wrapped.ping = () => ping.call(inner);
  if (isManaged(inner)) Object.assign(wrapped, passManagementThrough(inner), management?.(inner));
  return wrapped as DecoratedStore<S>;
}

function passManagementThrough(inner: ManagedSessionStore): SessionManagement {
  return {
    entry: (id) => inner.entry(id),
    sessionsOf: (owner) => inner.sessionsOf(owner),
    removeSessionsOf: (owner, options) => inner.removeSessionsOf(owner, options),
    revoke: (id) => inner.revoke(id),
    entries: (options) => inner.entries(options),
    count: () => inner.count(),
    clear: () => inner.clear(),
  };
}
