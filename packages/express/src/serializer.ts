/**
 * Turns a session object into the text a store keeps and back. `JSON` itself is
 * one; a custom one can keep Dates, Maps or BigInts that JSON would lose.
 */
export interface Serializer {
  stringify(session: unknown): string;
  parse(text: string): unknown;
}

const encoder = new TextEncoder();
// fatal: bytes that are not UTF-8 are a corrupt entry, not text with U+FFFD in it.
const decoder = new TextDecoder("utf-8", { fatal: true });

export function encodeSession(serializer: Serializer, session: unknown): Uint8Array {
  return encoder.encode(serializer.stringify(session));
}

/** The session held in `bytes`, or `undefined` when they do not decode to a session object. */
export function decodeSession(serializer: Serializer, bytes: Uint8Array): Record<string, unknown> | undefined {
  let session: unknown;
  try {
    session = serializer.parse(decoder.decode(bytes));
  } catch {
    return undefined;
  }
  const isObject = typeof session === "object" && session !== null && !Array.isArray(session);
  return isObject ? (session as Record<string, unknown>) : undefined;
}
