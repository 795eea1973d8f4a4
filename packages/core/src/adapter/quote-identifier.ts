import { checkIdentifier } from "./check-identifier.js";

/**
 * `name` checked by `checkIdentifier` and double-quoted, ready to put in SQL. The
 * check refuses quotes, so wrapping the name in quotes is all the escaping needed;
 * quoting keeps its case and lets reserved words through. `what` names it in the error.
 */
export function quoteIdentifier(name: string, what = "identifier"): string {
  return `"${checkIdentifier(name, what)}"`;
}
