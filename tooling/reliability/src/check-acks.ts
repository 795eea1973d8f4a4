import type { SessionStore } from "@session-store/core";
import { isStamp, readPayload } from "./payload.js";
import { key } from "./workload.js";

/** Loads every acknowledged once-only write and counts those that did not come back exactly. */
export async function countLost(store: SessionStore, acks: ReadonlyArray<readonly [string, string]>): Promise<number> {
  let lost = 0;
  const CONCURRENCY = 32;
  for (let i = 0; i < acks.length; i += CONCURRENCY) {
    const batch = acks.slice(i, i + CONCURRENCY);
    const found = await Promise.all(batch.map(([id]) => store.load(id)));
    batch.forEach(([id, stamp], index) => {
      const bytes = found[index];
      const read = bytes && readPayload(id, bytes);
      if (!read || !isStamp(read) || key(read) !== stamp) lost += 1;
    });
  }
  return lost;
}
