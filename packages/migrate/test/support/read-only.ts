import type { EntriesOptions, ListedEntry, ManagedSessionStore, SessionEntry } from "@session-store/core";
import type { SessionReader } from "../../src/index.js";

/** A managed store seen as a peer's reader: reads pass through, writes reject. */
export function readOnly(store: ManagedSessionStore, hold?: () => Promise<void>): SessionReader {
  const reject = async (): Promise<never> => {
    throw new Error("read-only");
  };
  return {
    readOnly: true,
    load: (id: string) => store.load(id),
    entry: async (id: string): Promise<SessionEntry | undefined> => {
      const entry = await store.entry(id);
      await hold?.();
      return entry;
    },
    entries: (options?: EntriesOptions): AsyncIterable<ListedEntry> => store.entries(options),
    count: () => store.count(),
    store: reject,
    remove: reject,
    touch: reject,
    close: async () => {},
  };
}
