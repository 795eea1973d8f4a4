import type { SessionStore } from "@session-store/core";
import { MemoryStore } from "@session-store/store-memory";
import { PostgresStore } from "@session-store/store-postgres";
import { RedisStore } from "@session-store/store-redis";
import { SqliteStore } from "@session-store/store-sqlite";

/** How to open a store: plain data, so a child process can open one over the same namespace. */
export type StoreSpec =
  | { readonly backend: "memory" }
  | { readonly backend: "sqlite"; readonly path: string; readonly table: string }
  | { readonly backend: "redis"; readonly url: string; readonly prefix: string }
  | { readonly backend: "postgres"; readonly url: string; readonly table: string; readonly applicationName: string };

export type BackendName = StoreSpec["backend"];

/** Opens a store-owned connection to the backend the spec names. */
export async function openStore(spec: StoreSpec): Promise<SessionStore> {
  switch (spec.backend) {
    case "memory":
      return new MemoryStore();
    case "sqlite":
      return new SqliteStore({ path: spec.path, table: spec.table });
    case "redis":
      return new RedisStore({ url: spec.url, prefix: spec.prefix });
    case "postgres":
      return new PostgresStore({ connection: spec.url, table: spec.table, applicationName: spec.applicationName });
  }
}
