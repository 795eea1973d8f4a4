import type { SessionEntry } from "@session-store/core";

/** A bulk reply (a Buffer) as the UTF-8 text it is: ids and owners are well-formed Unicode. */
export function text(reply: unknown): string {
  return Buffer.isBuffer(reply) ? reply.toString("utf8") : String(reply);
}

/** The ENTRY script's reply: { data, expiresAt[, owner] } or nil. */
export function readEntry(reply: unknown): SessionEntry | undefined {
  if (!Array.isArray(reply)) return undefined;
  const [data, at, owner] = reply as [Buffer, number, Buffer | undefined];
  const expiresAt = at < 0 ? Infinity : at;
  return owner === undefined ? { data, expiresAt } : { data, expiresAt, owner: text(owner) };
}

/** A script's reply of two integers. */
export function readPair(reply: unknown): [number, number] {
  const [first, second] = reply as [number, number];
  return [Number(first), Number(second)];
}
