import { socketErrorReason } from "@session-store/core/adapter";
import type { MongoClient, ServerDescriptionChangedEvent } from "mongodb";

/**
 * What the driver last heard from each server, from its monitoring events, so that a
 * call failing while none answers says why ("cannot reach 127.0.0.1:27017 (connection
 * refused)") instead of only "timed out" or "Server selection timed out". Addresses
 * are host:port, never the credentials of the connection string. One per client,
 * shared by the stores on it and kept as long as the client (one small listener), so
 * many stores on one client add no listeners (Node warns past 10).
 */
export class Reachability {
  static readonly #byClient = new WeakMap<MongoClient, Reachability>();

  /** The client's watcher, made on first use. */
  static of(client: MongoClient): Reachability {
    let watcher = Reachability.#byClient.get(client);
    if (watcher === undefined) {
      watcher = new Reachability(client);
      Reachability.#byClient.set(client, watcher);
    }
    return watcher;
  }

  /** Each server's address and the reason it last failed, or null once it answered. */
  readonly #failures = new Map<string, string | null>();
  readonly #listener = (event: ServerDescriptionChangedEvent) => {
    const { error } = event.newDescription;
    this.#failures.set(event.address, error === null ? null : reasonOf(error));
  };

  private constructor(client: MongoClient) {
    client.on("serverDescriptionChanged", this.#listener);
  }

  /** "cannot reach A (reason), B (reason)" when every server heard of failed last, else undefined. */
  unreachable(): string | undefined {
    const failures = [...this.#failures];
    if (failures.length === 0 || failures.some(([, reason]) => reason === null)) return undefined;
    return `cannot reach ${failures.map(([address, reason]) => `${address} (${reason})`).join(", ")}`;
  }
}

/** The network reason in a few words, from the socket error's code (on the driver's error or its cause). */
function reasonOf(error: Error): string {
  const code = [error, error.cause].map((candidate) => (candidate as { code?: unknown } | undefined)?.code).find((c) => typeof c === "string");
  const reason = socketErrorReason(code);
  if (reason !== undefined) return reason;
  if (error.name === "MongoNetworkTimeoutError") return "timed out";
  return error.message.slice(0, 100);
}
