import { hash } from "node:crypto";
import type { Serializer } from "./serializer.js";

/** Cookie fields that move on every request of a rolling session; they are not part of "the data". */
const MOVING_COOKIE_FIELDS = ["expires", "_expires", "originalExpires"] as const;

type MovingFields = Readonly<Partial<Record<(typeof MOVING_COOKIE_FIELDS)[number], unknown>>>;

/**
 * What the bridge keeps of a session as stored, to tell at the next save whether
 * its data changed: a digest of the stored bytes (bounded memory, whatever the
 * session's size) and the stored cookie's moving fields.
 */
export interface StoredForm {
  readonly digest: string;
  readonly moving: MovingFields;
}

/** `session` as stored in `bytes` (the session decoded from them, or the one encoded into them). */
export function storedForm(bytes: Uint8Array, session: Record<string, unknown>): StoredForm {
  const fields = cookieFields(session.cookie);
  const moving: Record<string, unknown> = {};
  if (fields !== undefined) for (const key of MOVING_COOKIE_FIELDS) moving[key] = fields[key];
  return { digest: sha256(bytes), moving };
}

/**
 * Whether saving `session` would store the same data again: it is encoded with the
 * stored cookie's moving fields put back, and that must give the stored bytes. Any
 * doubt (a serializer that is not deterministic, or throws) answers false, so the
 * session is stored.
 */
export function isUnchanged(stored: StoredForm, session: Record<string, unknown>, serializer: Serializer): boolean {
  const fields = cookieFields(session.cookie);
  let candidate = session;
  if (fields !== undefined) {
    const cookie = { ...fields };
    for (const key of MOVING_COOKIE_FIELDS) if (key in cookie) cookie[key] = stored.moving[key];
    candidate = { ...session, cookie };
  }
  try {
    return sha256(serializer.stringify(candidate)) === stored.digest;
  } catch {
    return false;
  }
}

/** The cookie as a serializer sees it: both frameworks' Cookie classes say in toJSON what they store. */
function cookieFields(cookie: unknown): Record<string, unknown> | undefined {
  if (typeof cookie !== "object" || cookie === null) return undefined;
  const toJSON = (cookie as { toJSON?: unknown }).toJSON;
  const fields: unknown = typeof toJSON === "function" ? (toJSON as () => unknown).call(cookie) : cookie;
  return typeof fields === "object" && fields !== null ? (fields as Record<string, unknown>) : undefined;
}

// A string is hashed as its UTF-8 bytes, as encodeSession stores it.
const sha256 = (data: string | Uint8Array) => hash("sha256", data, "base64");
