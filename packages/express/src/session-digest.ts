import { createHash } from "node:crypto";
import type { Serializer } from "./serializer.js";

/** Cookie fields that move on every request of a rolling session; they are not part of "the data". */
const MOVING_COOKIE_FIELDS = new Set(["expires", "_expires", "originalExpires"]);

/**
 * A digest of what a save would store, leaving out the cookie's expiry (the store
 * keeps that itself). Equal digests at get and at set mean the session is
 * unchanged, so a touch does the work of a rewrite.
 */
export function sessionDigest(serializer: Serializer, session: object): string {
  const { cookie, ...data } = session as { cookie?: unknown };
  const stable = cookie === undefined ? data : { ...data, cookie: withoutExpiry(cookie) };
  return createHash("sha256").update(serializer.stringify(stable)).digest("base64");
}

function withoutExpiry(cookie: unknown): unknown {
  if (typeof cookie !== "object" || cookie === null) return cookie;
  // Both frameworks' Cookie classes say in toJSON what they store.
  const toJSON = (cookie as { toJSON?: unknown }).toJSON;
  const plain = (typeof toJSON === "function" ? (toJSON as () => unknown).call(cookie) : cookie) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(plain).filter(([key]) => !MOVING_COOKIE_FIELDS.has(key)));
}
