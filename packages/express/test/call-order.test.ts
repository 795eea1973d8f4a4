import { backends } from "@session-store/bridge-test";
import type { SessionData } from "express-session";
import { afterAll, describe, expect, it } from "vitest";
import { ExpressSessionStore } from "../src/index.js";

const session = { user: "ada", cookie: { expires: new Date(Date.now() + 60_000), originalMaxAge: 60_000 } } as unknown as SessionData;

/** Resolves with what a callback-style store method called back with, or rejects with its error. */
function settled<T>(method: (callback: (error: unknown, value?: T) => void) => void): Promise<T | undefined> {
  return new Promise((resolve, reject) => method((error, value) => (error ? reject(error) : resolve(value))));
}

describe.each(backends)("calls on one id keep their order on $name", (backend) => {
  afterAll(() => backend.cleanup());

  it.skipIf(backend.skip !== undefined)(`set then destroy, not awaited, ends destroyed ${backend.skip ?? ""}`, async () => {
    const store = new ExpressSessionStore(await backend.open());
    const set = settled((cb) => store.set("order-destroy", session, cb));
    const destroy = settled((cb) => store.destroy("order-destroy", cb));
    await Promise.all([set, destroy]);
    expect(await settled<SessionData | null>((cb) => store.get("order-destroy", cb))).toBeNull();
  });

  it.skipIf(backend.skip !== undefined)(`set then get, not awaited, reads the session ${backend.skip ?? ""}`, async () => {
    const store = new ExpressSessionStore(await backend.open());
    const set = settled((cb) => store.set("order-get", session, cb));
    const got = settled<SessionData | null>((cb) => store.get("order-get", cb));
    await set;
    expect(await got).toMatchObject({ user: "ada" });
  });
});
