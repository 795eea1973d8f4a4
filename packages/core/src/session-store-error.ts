import { redact } from "./adapter/redact.js";
import type { Operation } from "./session-store.js";

/** What a `SessionStoreError` is about. */
export interface SessionStoreErrorOptions {
  /** The backend's short name, e.g. "redis". */
  readonly backend: string;
  readonly operation: Operation;
  /** The driver's error, kept as-is for debugging. */
  readonly cause?: unknown;
}

/**
 * Every backend failure rejects with this error. The message names the backend and
 * the operation; it never carries a password, a full connection string or session
 * data. The driver's error is kept as `cause`.
 */
export class SessionStoreError extends Error {
  override readonly name = "SessionStoreError";
  readonly backend: string;
  readonly operation: Operation;

  constructor(message: string, options: SessionStoreErrorOptions) {
    super(`${options.backend} store: ${message}`, { cause: options.cause });
    this.backend = options.backend;
    this.operation = options.operation;
  }

  /** Wraps a driver's error; a `SessionStoreError` passes through unchanged. */
  static from(cause: unknown, backend: string, operation: Operation): SessionStoreError {
    if (cause instanceof SessionStoreError) return cause;
    return new SessionStoreError(`${operation} failed: ${describeCause(cause)}`, { backend, operation, cause });
  }

  /** The error for an operation called after `close()`. */
  static closed(backend: string, operation: Operation): SessionStoreError {
    return new SessionStoreError(`cannot ${operation}: the store is closed`, { backend, operation });
  }
}

const MAX_CAUSE_LENGTH = 200;

/** The driver's message with any credentials and connection strings cut out. */
function describeCause(cause: unknown): string {
  const message = cause instanceof Error ? cause.message : String(cause);
  const code = (cause as { code?: unknown } | null)?.code;
  const text = redact(message).slice(0, MAX_CAUSE_LENGTH);
  return typeof code === "string" && !text.includes(code) ? `${code} ${text}` : text;
}
