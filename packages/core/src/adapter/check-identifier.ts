const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Checks a table, schema or collection name given as an option: a letter or `_`,
 * then letters, digits or `_`, at most 63 characters (PostgreSQL's limit). Anything
 * else (a quote, a dot, a semicolon, a space) is refused rather than escaped, so a
 * name can never become SQL. Adapters still quote the name when they use it.
 */
export function checkIdentifier(name: unknown, what: string): string {
  if (typeof name !== "string") throw new TypeError(`${what} must be a string`);
  if (!IDENTIFIER.test(name)) {
    throw new RangeError(
      `${what} must start with a letter or "_" and hold only letters, digits and "_" (at most 63), got ${JSON.stringify(name)}`,
    );
  }
  return name;
}
