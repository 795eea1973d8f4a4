const encoder = new TextEncoder();
// fatal: bytes that are not UTF-8 are a corrupt entry, not text with U+FFFD in it.
const decoder = new TextDecoder("utf-8", { fatal: true });

export function encodeSession(session: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(session));
}

/** The session object held in `bytes`, or `undefined` when they do not decode to one. */
export function decodeSession(bytes: Uint8Array): Record<string, unknown> | undefined {
  let session: unknown;
  try {
    session = JSON.parse(decoder.decode(bytes));
  } catch {
    return undefined;
  }
  const isObject = typeof session === "object" && session !== null && !Array.isArray(session);
  return isObject ? (session as Record<string, unknown>) : undefined;
}
