import type { EventEmitter } from "node:events";
import pg from "pg";

/** pg's message when a query's client-side `query_timeout` passed. */
const READ_TIMEOUT_MESSAGE = "Query read timeout";

/** What pg keeps on a client beyond its typings. */
interface ClientInternals {
  readonly activeQuery?: unknown;
}

/** Whether pg gave up waiting for the reply (the statement may still be running on the server). */
export function isReadTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === READ_TIMEOUT_MESSAGE;
}

/**
 * Asks the server to cancel the statement `client` is running (PostgreSQL's cancel
 * request: a short connection of its own that carries the backend's key). pg gives up
 * on a reply at `query_timeout` but leaves the statement running; the pool then drops
 * that client and opens another, so a caller's pool without a server-side
 * `statement_timeout` would pile up backends stuck behind a lock, one per timed-out
 * call. Fire and forget: a failed cancel changes nothing for the caller.
 */
export function cancelStatement(pool: pg.Pool, client: pg.PoolClient): void {
  const active = (client as unknown as ClientInternals).activeQuery;
  if (active === undefined || active === null) return;
  const config = (pool as unknown as { options?: pg.ClientConfig }).options ?? {};
  const canceller = new pg.Client(config);
  // Nobody waits for this connection: an error on it must not become an uncaught 'error'.
  (canceller as unknown as { connection: EventEmitter }).connection.on("error", () => undefined);
  (canceller as unknown as { cancel(client: pg.PoolClient, query: unknown): void }).cancel(client, active);
}
