/*
 * The key layout under a store's prefix: `prefix + id` for a session (or its
 * revocation), `prefix + "\0owner\0" + owner` for an owner's index. Ids hold no NUL,
 * so no session key can be an index key.
 */

const INDEX_MARK = "\0owner\0";

/** The key of an owner's index (a sorted set of session ids). */
export function indexKey(prefix: string, owner: string): string {
  return prefix + INDEX_MARK + owner;
}

/** Whether a key found under `prefix` is an owner index rather than a session. */
export function isIndexKey(prefix: string, key: string): boolean {
  return key.startsWith(INDEX_MARK, prefix.length);
}

/** A SCAN MATCH pattern for every key that starts with `prefix`, its glob characters taken literally. */
export function prefixPattern(prefix: string): string {
  return `${escapeGlob(prefix)}*`;
}

/** `text` with the glob characters of a MATCH pattern escaped, so it matches only itself. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (char) => `\\${char}`);
}
