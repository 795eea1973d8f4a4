/**
 * How a framework bridge turns a session object into the bytes a store keeps and
 * back: text from a serializer (JSON by default), as UTF-8.
 */
export interface Serializer {
  stringify(session: unknown): string;
  parse(text: string): unknown;
}

const encoder = new TextEncoder();
// fatal: bytes that are not UTF-8 are a corrupt entry, not text with U+FFFD in it.
const decoder = new TextDecoder("utf-8", { fatal: true });

export function encodeSession(session: unknown, serializer: Serializer = JSON): Uint8Array {
  return encoder.encode(serializer.stringify(session));
}

/** The session held in `bytes`, or `undefined` when they do not decode to a session object. */
export function decodeSession(bytes: Uint8Array, serializer: Serializer = JSON): Record<string, unknown> | undefined {
  let session: unknown;
  try {
    session = serializer.parse(decoder.decode(bytes));
  } catch {
    return undefined;
  }
  const isObject = typeof session === "object" && session !== null && !Array.isArray(session);
  return isObject ? (session as Record<string, unknown>) : undefined;
}
