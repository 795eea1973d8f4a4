import { backends } from "@session-store/bridge-test";
import type { SessionData } from "express-session";
import { afterAll, describe, expect, it } from "vitest";
import { ExpressSessionStore } from "../src/index.js";

const session = (user: string) =>
  ({ user, cookie: { expires: new Date(Date.now() + 60_000), originalMaxAge: 60_000 } }) as unknown as SessionData;

describe.each(backends)("the promise API (no callbacks, as connect-redis 8's tests use it) on $name", (backend) => {
  afterAll(() => backend.cleanup());

  it.skipIf(backend.skip !== undefined)(`set, get, touch and destroy resolve ${backend.skip ?? ""}`, async () => {
    const store = new ExpressSessionStore(await backend.open());
    await expect(store.set("promise-a", session("ada"))).resolves.toBeUndefined();
    await expect(store.get("promise-a")).resolves.toMatchObject({ user: "ada" });
    await expect(store.touch("promise-a", session("ada"))).resolves.toBeUndefined();
    await expect(store.destroy("promise-a")).resolves.toBeUndefined();
    await expect(store.get("promise-a")).resolves.toBeNull();
    await expect(store.get("")).rejects.toMatchObject({ backend: "express", operation: "load" });
  });

  it.skipIf(backend.managementSkip !== undefined)(`all, length and clear resolve ${backend.managementSkip ?? ""}`, async () => {
    const store = new ExpressSessionStore(await backend.open());
    await store.clear();
    await store.set("promise-b", session("bob"));
    await store.set("promise-c", session("cy"));
    await expect(store.length()).resolves.toBe(2);
    const all = (await store.all()) as unknown as Array<{ id: string }>;
    expect(all.map(({ id }) => id).sort()).toEqual(["promise-b", "promise-c"]);
    await expect(store.clear()).resolves.toBe(2);
    await expect(store.length()).resolves.toBe(0);
  });
});
