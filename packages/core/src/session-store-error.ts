import { safeCause, scrub } from "./safe-cause.js";
import type { Operation } from "./session-store.js";

/** What a `SessionStoreError` is about. */
export interface SessionStoreErrorOptions {
  /** The backend's short name, e.g. "redis". */
  readonly backend: string;
  readonly operation: Operation;
  /** The driver's error; the error keeps a sanitized copy of it (see safe-cause.ts). */
  readonly cause?: unknown;
  /** The id or owner the call was about, cut out of every message it carries. */
  readonly subject?: string;
}

/**
 * Every backend failure rejects with this error. The message names the backend and
 * the operation; neither it nor anything the error carries (`cause` chain, properties)
 * holds a password, a connection string, a session id or session data: `cause` is a
 * sanitized copy of the driver's error, with its class or name, code and message.
 */
export class SessionStoreError extends Error {
  override readonly name = "SessionStoreError";
  readonly backend: string;
  readonly operation: Operation;

  constructor(message: string, options: SessionStoreErrorOptions) {
    const { cause, subject } = options;
    super(`${options.backend} store: ${scrub(message, subject)}`, cause === undefined ? undefined : { cause: safeCause(cause, subject) });
    this.backend = options.backend;
    this.operation = options.operation;
  }

  /** Wraps a driver's error; a `SessionStoreError` passes through unchanged. */
  static from(cause: unknown, backend: string, operation: Operation, subject?: string): SessionStoreError {
    if (cause instanceof SessionStoreError) return cause;
    return new SessionStoreError(`${operation} failed: ${describeCause(cause)}`, { backend, operation, cause, subject });
  }

  /** The error for an operation called after `close()`. */
  static closed(backend: string, operation: Operation): SessionStoreError {
    return new SessionStoreError(`cannot ${operation}: the store is closed`, { backend, operation });
  }
}

const MAX_CAUSE_LENGTH = 200;

/** The driver's code and message, cut short; the constructor scrubs it. */
function describeCause(cause: unknown): string {
  const text = (cause instanceof Error ? cause.message : String(cause)).slice(0, MAX_CAUSE_LENGTH);
  const code = (cause as { code?: unknown } | null)?.code;
  return typeof code === "string" && !text.includes(code) ? `${code} ${text}` : text;
}
