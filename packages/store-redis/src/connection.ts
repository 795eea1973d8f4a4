/*
 * What a failed call says about the connection: "cannot reach 127.0.0.1:6379
 * (connection refused)" instead of the driver's "Reached the max retries per request
 * limit" or a bare timeout. Only a host and port are ever named, never a user or password.
 */
import { socketErrorReason } from "@session-store/core/adapter";

/** Redis's answers to a wrong or missing password (AUTH, or a command before it). */
const AUTH_FAILURE = /^(WRONGPASS|NOAUTH)\b|invalid password|AUTH.*(without any password|no password)/i;

/** A connection's state as the store's client reports it. */
export interface ClientState {
  /** Whether the client is connected and can send commands now. */
  ready(): boolean;
  /** The host and port the client is configured for, when it has a single one. */
  address(): string | undefined;
  /** Listens to the client's connection errors (and to its becoming ready). */
  watch(onError: (error: unknown) => void, onReady: () => void): () => void;
}

/**
 * Keeps the client's latest connection error, so that a call that fails because the
 * client is not connected can say why. Forgets it once the client is ready again.
 */
export class ConnectionProblems {
  readonly #state: ClientState;
  readonly #unwatch: () => void;
  #last: unknown;

  constructor(state: ClientState) {
    this.#state = state;
    this.#unwatch = state.watch(
      (error) => {
        if (reasonOf(error) !== undefined) this.#last = error;
      },
      () => {
        this.#last = undefined;
      },
    );
  }

  /**
   * What went wrong with the connection, for a call that rejected with `error` or
   * hit its deadline (`timedOut`), or undefined when the connection was not the
   * problem (the client was ready and Redis answered, with an error of its own).
   */
  explain(error: unknown, timedOut: boolean): string | undefined {
    const address = addressOf(error) ?? addressOf(this.#last) ?? this.#state.address();
    const at = address === undefined ? "" : ` at ${address}`;
    if (isAuthFailure(error) || isAuthFailure(this.#last)) return `authentication failed${at}`;
    if (this.#state.ready()) return timedOut && address !== undefined ? `no reply from ${address}` : undefined;
    const reason = reasonOf(error) ?? reasonOf(this.#last) ?? (timedOut ? "timed out" : closedOrNot(error));
    return `cannot reach ${address ?? "Redis"} (${reason})`;
  }

  /** Stops listening to the client. */
  stop(): void {
    this.#unwatch();
  }
}

function reasonOf(error: unknown): string | undefined {
  const reason = socketErrorReason((error as { code?: unknown } | null | undefined)?.code);
  if (reason !== undefined) return reason;
  return isAuthFailure(error) ? "authentication failed" : undefined;
}

/** node-redis rejects every call on a client that is not open (never connected, or given up) with this. */
function closedOrNot(error: unknown): string {
  return error instanceof Error && /client is closed/i.test(error.message) ? "the client is closed" : "not connected";
}

function isAuthFailure(error: unknown): boolean {
  return error instanceof Error && AUTH_FAILURE.test(error.message);
}

/** The host and port a Node socket or resolver error names. */
function addressOf(error: unknown): string | undefined {
  const { address, hostname, port } = (error ?? {}) as { address?: unknown; hostname?: unknown; port?: unknown };
  const host = typeof address === "string" ? address : typeof hostname === "string" ? hostname : undefined;
  if (host === undefined) return undefined;
  return typeof port === "number" ? hostAndPort(host, port) : host;
}

/** `host:port`, an IPv6 host in brackets. */
export function hostAndPort(host: string, port: number | string): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}
