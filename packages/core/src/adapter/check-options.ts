/*
 * Checks for the options adapters share, so every store refuses a bad option the
 * same way: `TypeError` for a wrong type, `RangeError` for a bad value, naming the
 * option.
 */

/** A duration in milliseconds: a finite number > 0. */
export function checkTimeout(value: unknown, name = "timeoutMs"): number {
  if (typeof value !== "number") throw new TypeError(`${name} must be a number`);
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a finite number greater than 0, got ${value}`);
  }
  return value;
}

/** A whole number of at least 1 (a batch size, a bound on sessions). */
export function checkCount(value: unknown, name: string): number {
  if (typeof value !== "number") throw new TypeError(`${name} must be a number`);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a whole number of at least 1, got ${value}`);
  }
  return value;
}

/** `true` or `false`. */
export function checkBoolean(value: unknown, name: string): boolean {
  if (typeof value !== "boolean") throw new TypeError(`${name} must be a boolean`);
  return value;
}

/** The options argument of a constructor or factory: an object, else a `TypeError` naming `what`. */
export function checkOptionsObject<T extends object>(options: T, what: string): T {
  if (typeof options !== "object" || options === null) throw new TypeError(`${what} options must be an object`);
  return options;
}

/** `check(value)` when the option was given, else `fallback`. */
export function optional<T, D>(value: T | undefined, fallback: D, check: (value: T) => T): T | D {
  return value === undefined ? fallback : check(value);
}

/** Node's timers fire at once past this (about 24.8 days), which would make an interval a loop. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * `sweepIntervalMs` of a store that sweeps in the background by default: absent gives
 * `defaultMs`, `false` gives `undefined` (no background sweep), else a duration in ms.
 */
export function checkSweepInterval(value: unknown, defaultMs: number): number | undefined {
  if (value === undefined) return defaultMs;
  if (value === false) return undefined;
  if (typeof value !== "number") throw new TypeError("sweepIntervalMs must be a number of ms or false");
  const ms = checkTimeout(value, "sweepIntervalMs");
  if (ms > MAX_TIMER_MS) throw new RangeError(`sweepIntervalMs must be at most ${MAX_TIMER_MS}, got ${ms}`);
  return ms;
}
