import type { SessionStore } from "../session-store.js";

/** A wrapped store: the four operations, plus `sweep` and `close` exactly when the wrapped store has them. */
export type DecoratedStore<S extends SessionStore> = Omit<SessionStore, "sweep" | "close"> & Pick<S, "sweep" | "close">;

type Operations = Pick<SessionStore, "load" | "store" | "remove" | "touch">;

/**
 * Builds a decorator's store from its four operations and passes `sweep` and `close`
 * through to the wrapped store. `sweep` is only present when the wrapped store has
 * it, so a native-expiry backend still looks like one.
 */
export function passThrough<S extends SessionStore>(inner: S, operations: Operations): DecoratedStore<S> {
  const wrapped: SessionStore = { ...operations };
  const { sweep, close } = inner;
  if (typeof sweep === "function") wrapped.sweep = () => sweep.call(inner);
  if (typeof close === "function") wrapped.close = () => close.call(inner);
  return wrapped as DecoratedStore<S>;
}
