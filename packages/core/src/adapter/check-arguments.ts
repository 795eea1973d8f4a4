/** Longest id accepted, counted in UTF-8 bytes. */
export const MAX_ID_BYTES = 512;

/**
 * Longest TTL accepted: 10,000 years. CONTRACT.md only asks for a finite number, but a
 * larger one overflows what some backends can represent (a JavaScript/BSON Date, a
 * PostgreSQL timestamptz), so it is refused here, the same way on every backend.
 */
export const MAX_TTL_MS = 10_000 * 365.25 * 24 * 60 * 60 * 1000;

const LONE_SURROGATE = /\p{Surrogate}/u;

/** The arguments of one call; pass the ones the operation takes. */
export interface SessionArguments {
  readonly id: unknown;
  readonly data?: unknown;
  readonly ttlMs?: unknown;
}

/**
 * Checks a call's arguments as CONTRACT.md lists them, before any I/O. Throws
 * `TypeError` for a wrong type and `RangeError` for a bad value; inside an `async`
 * method that becomes the rejected promise the contract asks for.
 *
 * Returns the TTL rounded up to a whole millisecond when `ttlMs` is among the
 * arguments, else `undefined`.
 */
export function checkArguments(args: { readonly id: unknown }): undefined;
export function checkArguments(args: { readonly id: unknown; readonly ttlMs: unknown; readonly data?: unknown }): number;
export function checkArguments(args: SessionArguments): number | undefined;
export function checkArguments(args: SessionArguments): number | undefined {
  checkId(args.id);
  if ("data" in args) checkData(args.data);
  return "ttlMs" in args ? checkTtl(args.ttlMs) : undefined;
}

/**
 * Checks `store`'s options argument (`undefined` or an object) and returns its owner,
 * which follows the rules of an id; `undefined` when there is none.
 */
export function checkStoreOptions(options: unknown): string | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`store options must be an object, got ${describe(options)}`);
  }
  const { owner } = options as { owner?: unknown };
  if (owner === undefined) return undefined;
  checkIdentity(owner, "owner");
  return owner as string;
}

/** Checks an owner given to `sessionsOf` / `removeSessionsOf`: the rules of an id. */
export function checkOwner(owner: unknown): string {
  checkIdentity(owner, "owner");
  return owner as string;
}

function checkId(id: unknown): void {
  checkIdentity(id, "session id");
}

/** Checks a value that follows the rules of an id (an `except`, a listed id), naming it `what` in the error. */
export function checkIdentifierArgument(value: unknown, what: string): void {
  checkIdentity(value, what);
}

function checkIdentity(value: unknown, what: string): void {
  if (typeof value !== "string") throw new TypeError(`${what} must be a string, got ${describe(value)}`);
  if (value.length === 0) throw new RangeError(`${what} must not be empty`);
  if (value.includes("\0")) throw new RangeError(`${what} must not contain a NUL character`);
  if (LONE_SURROGATE.test(value)) {
    throw new RangeError(`${what} must be well-formed Unicode (it contains a lone surrogate)`);
  }
  // A UTF-16 unit is at most 3 UTF-8 bytes, so short values need no counting.
  if (value.length * 3 > MAX_ID_BYTES && Buffer.byteLength(value, "utf8") > MAX_ID_BYTES) {
    throw new RangeError(`${what} must be at most ${MAX_ID_BYTES} bytes in UTF-8`);
  }
}

function checkData(data: unknown): void {
  if (!(data instanceof Uint8Array)) {
    throw new TypeError(`session data must be a Uint8Array, got ${describe(data)}`);
  }
}

function checkTtl(ttlMs: unknown): number {
  if (typeof ttlMs !== "number") throw new TypeError(`ttlMs must be a number, got ${describe(ttlMs)}`);
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new RangeError(`ttlMs must be a finite number greater than 0, got ${ttlMs}`);
  }
  if (ttlMs > MAX_TTL_MS) throw new RangeError(`ttlMs must be at most ${MAX_TTL_MS} (10,000 years), got ${ttlMs}`);
  return Math.ceil(ttlMs);
}

/** Names a value's type for an error message without echoing the value itself. */
function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return value.constructor?.name ?? "object";
  return typeof value;
}
