import { inspect } from "node:util";
import { redact } from "./adapter/redact.js";

/** How deep a driver's own `cause` chain is copied. */
const MAX_DEPTH = 4;
const MAX_MESSAGE_LENGTH = 500;
const BUILT_IN: ReadonlyMap<string, ErrorConstructor> = new Map<string, ErrorConstructor>([
  ["Error", Error],
  ["TypeError", TypeError],
  ["RangeError", RangeError],
  ["SyntaxError", SyntaxError],
]);

/**
 * A copy of a driver's error that keeps what helps an operator (its class or name, its
 * `code`, its message with credentials and the call's own id cut out, the same for
 * its `cause` chain and an AggregateError's `errors`) and nothing else. Drivers attach
 * the failed command to their errors (ioredis: the key and the bytes; pg: `detail`
 * quoting the row; mongodb: the duplicate key), so the original is never kept: not
 * in `cause`, properties, `util.inspect` or `JSON.stringify`.
 */
export function safeCause(error: unknown, subject?: string, depth = 0): Error {
  const original = error instanceof Error ? error : undefined;
  const name = original?.name ?? "Error";
  const message = scrub(original ? original.message : String(error), subject);
  const Builtin = BUILT_IN.get(name);
  const copy = Builtin ? new Builtin(message) : Object.defineProperty(new Error(message), "name", { value: name });
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" || typeof code === "number") Object.assign(copy, { code });
  if (original && depth < MAX_DEPTH) {
    if (original.cause !== undefined) hidden(copy, "cause", safeCause(original.cause, subject, depth + 1));
    if (original instanceof AggregateError) {
      hidden(copy, "errors", original.errors.map((inner: unknown) => safeCause(inner, subject, depth + 1)));
    }
  }
  // The stack is made here, at the copy: the original's starts with its unscrubbed message.
  copy.stack = `${name}: ${message}\n    (a sanitized copy of the driver's error)`;
  return copy;
}

/** The message with credentials, connection strings and the call's id or owner cut out. */
export function scrub(text: string, subject?: string): string {
  let result = redact(text);
  if (subject) {
    for (const form of new Set([subject, JSON.stringify(subject).slice(1, -1), inspect(subject).slice(1, -1)])) {
      if (form.length > 0) result = result.split(form).join("[id]");
    }
  }
  return result.slice(0, MAX_MESSAGE_LENGTH);
}

/** Sets a property the way Error sets `cause`: not enumerable, so JSON shows only the code. */
function hidden(target: Error, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: false });
}
