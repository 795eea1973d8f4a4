import { randomBytes } from "node:crypto";
import type { Inspection } from "@session-store/conformance";

export type BackendName = "memory" | "sqlite" | "redis" | "postgres" | "mongo";

/** One backend as the tests, the bench and the reliability runs see it. */
export interface Backend {
  readonly name: BackendName;
  /** Set when unavailable: one line naming the variable that enables it. */
  readonly skip?: string;
  /** The server's URL (redis/postgres/mongo); undefined for memory and sqlite. */
  readonly url?: string;
  /** A fresh lowercase identifier (`ss_` + hex), remembered for cleanup(). */
  newNamespace(): string;
  /** An `openStore` URL of a store over `namespace` (a new one by default), remembered for cleanup(). */
  storeUrl(namespace?: string): string;
  /**
   * The backend's own view of `id` in `namespace`, read over an admin connection.
   * A test that makes its own tables inside one namespace names them `namespace.table`
   * (sqlite: a table in that namespace's file; postgres: in that schema; mongo: a
   * collection in that database); redis keys nest as `namespace:anything:`.
   */
  inspect(namespace: string, id: string): Promise<Inspection | undefined>;
  /** Drops everything under the namespaces it handed out and closes its admin connections. Idempotent. */
  cleanup(): Promise<void>;
}

/** The namespaces one backend handed out, so its cleanup drops exactly those. */
export function namespaceSet() {
  const used = new Set<string>();
  const add = (namespace: string) => {
    used.add(namespace);
    return namespace;
  };
  /** Hands them over and forgets them, so a second cleanup does nothing. */
  const take = () => {
    const all = [...used];
    used.clear();
    return all;
  };
  return { next: () => add(`ss_${randomBytes(6).toString("hex")}`), add, take };
}

/** `url` with one more query parameter; `value` is a namespace, so it needs no escaping. */
export function withParam(url: string, name: string, value: string): string {
  return `${url}${url.includes("?") ? "&" : "?"}${name}=${value}`;
}

/** A backend that cannot run here: it still names namespaces, but storeUrl and inspect throw the skip reason. */
export function skippedBackend(name: BackendName, skip: string): Backend {
  const fail = (): never => {
    throw new Error(skip);
  };
  const namespaces = namespaceSet();
  return { name, skip, newNamespace: () => namespaces.next(), storeUrl: fail, inspect: async () => fail(), cleanup: async () => {} };
}
