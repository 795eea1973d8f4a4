// The harness reads a SqliteStore table with a connection of its own (the conformance
// suite's `inspect`): a revocation is no session there either.
import { harness, HOUR } from "@session-store/harness";
import { afterAll, expect, it } from "vitest";
import { SqliteStore } from "../src/index.js";

const backend = await harness("sqlite");
afterAll(() => backend.cleanup());

it("inspect sees a live session's expiry and reports a revocation as no session", async () => {
  const namespace = backend.newNamespace();
  const path = new URL(backend.storeUrl(namespace)).pathname;
  const store = new SqliteStore({ path, table: namespace });
  await store.store("live", new Uint8Array([1]), HOUR);
  await store.store("revoked", new Uint8Array([1]), HOUR);
  await store.revoke("revoked");
  await store.close();

  expect((await backend.inspect(namespace, "live"))?.expiresInMs).toBeGreaterThan(HOUR - 60_000);
  expect(await backend.inspect(namespace, "revoked")).toBeUndefined();
  expect(await backend.inspect(namespace, "absent")).toBeUndefined();
});
