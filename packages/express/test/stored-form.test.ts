import { decodeSession, encodeSession } from "@session-store/core/adapter";
import session from "express-session";
import { describe, expect, it } from "vitest";
import { isUnchanged, storedForm } from "../src/stored-form.js";

// express-session's Cookie takes its options; its types leave the constructor's parameter out.
const Cookie = session.Cookie as unknown as new (options: session.CookieOptions) => session.Cookie;

/** A session as express-session hands it to the store: data and a Cookie that says in toJSON what it stores. */
function withCookie(data: Record<string, unknown>, cookie: Partial<session.CookieOptions> = {}): Record<string, unknown> {
  return { cookie: new Cookie({ maxAge: 60_000, ...cookie }), ...data };
}

/** The stored form get takes: of the bytes, and of the session decoded from them. */
function loaded(stored: Record<string, unknown>) {
  const bytes = encodeSession(stored);
  return storedForm(bytes, decodeSession(bytes)!);
}

describe("isUnchanged", () => {
  it("is true for the stored data with the cookie's expiry moved, false for other data or cookie fields", async () => {
    const stored = withCookie({ user: "ada", cart: [1, 2] });
    const form = loaded(stored);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const moved = withCookie({ user: "ada", cart: [1, 2] });
    expect((moved.cookie as session.Cookie).expires).not.toEqual((stored.cookie as session.Cookie).expires);
    expect(isUnchanged(form, moved, JSON)).toBe(true);
    expect(isUnchanged(form, withCookie({ user: "ada", cart: [1, 2, 3] }), JSON)).toBe(false);
    expect(isUnchanged(form, withCookie({ user: "eve", cart: [1, 2] }), JSON)).toBe(false);
    expect(isUnchanged(form, withCookie({ user: "ada", cart: [1, 2] }, { path: "/app" }), JSON)).toBe(false);
    expect(isUnchanged(form, withCookie({ user: "ada", cart: [1, 2] }, { maxAge: 5_000 }), JSON)).toBe(false);
  });

  it("compares with what a store wrote, whose moving fields are the saved session's", async () => {
    const saved = withCookie({ user: "ada" });
    const form = storedForm(encodeSession(saved), saved);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const later = withCookie({ user: "ada" });
    expect((later.cookie as session.Cookie).expires).not.toEqual((saved.cookie as session.Cookie).expires);
    expect(isUnchanged(form, later, JSON)).toBe(true);
  });

  it("takes a session without a cookie, or a plain cookie object", () => {
    expect(isUnchanged(loaded({ user: "ada" }), { user: "ada" }, JSON)).toBe(true);
    const plain = loaded({ user: "ada", cookie: { expires: new Date(1_000), originalMaxAge: 1 } });
    expect(isUnchanged(plain, { user: "ada", cookie: { expires: new Date(9_000), originalMaxAge: 1 } }, JSON)).toBe(true);
    expect(isUnchanged(plain, { user: "ada", cookie: { expires: new Date(9_000), originalMaxAge: 2 } }, JSON)).toBe(false);
  });

  it("reads a serializer that throws or is not deterministic as changed", () => {
    const form = loaded(withCookie({ user: "ada" }));
    const throwing = { stringify: () => JSON.parse("{"), parse: JSON.parse };
    let calls = 0;
    const counting = { stringify: (value: unknown) => JSON.stringify({ value, calls: calls++ }), parse: JSON.parse };
    expect(isUnchanged(form, withCookie({ user: "ada" }), throwing)).toBe(false);
    const counted = storedForm(encodeSession({ user: "ada" }, counting), { user: "ada" });
    expect(isUnchanged(counted, { user: "ada" }, counting)).toBe(false);
  });

  it("keeps a digest of the same size whatever the session's size", () => {
    const small = loaded({ user: "ada" });
    const large = loaded({ user: "ada", blob: "x".repeat(1 << 20) });
    expect(large.digest).toHaveLength(small.digest.length);
  });
});
