import type { SessionStore } from "@session-store/core";
import { HOUR, settle } from "@session-store/harness";

type Settled = Awaited<ReturnType<typeof settle>>;

/** Calls each of the four operations once, at the same time, and settles them all. */
export function settleEveryOperation(store: SessionStore, data: Uint8Array): Promise<Settled[]> {
  return Promise.all([
    settle(store.load("x")),
    settle(store.store("x", data, HOUR)),
    settle(store.remove("x")),
    settle(store.touch("x", HOUR)),
  ]);
}
