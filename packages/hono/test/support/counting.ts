import type { SessionStore } from "@session-store/core";

/** A store that counts the calls made to it, as seen through a Proxy so `isManaged` still answers for the inner store. */
export interface Counting {
  readonly store: SessionStore;
  readonly calls: Record<string, number>;
  reset(): void;
}

export function counting(inner: SessionStore): Counting {
  const calls: Record<string, number> = {};
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function" || typeof property !== "string") return value;
      return (...args: unknown[]) => {
        calls[property] = (calls[property] ?? 0) + 1;
        return (value as (...args: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, calls, reset: () => Object.keys(calls).forEach((key) => delete calls[key]) };
}
