import { backends, describeReadyChecks } from "@session-store/bridge-test";
import { describe, expect, it } from "vitest";
import { HonoSessionStore } from "../src/index.js";

describeReadyChecks("HonoSessionStore", (store) => new HonoSessionStore(store));

describe("HonoSessionStore options", () => {
  it("refuses an unknown option, naming the nearest known one", async () => {
    const store = await backends[0]!.open();
    expect(() => new HonoSessionStore(store, { ttl: 1000 } as never)).toThrow(new TypeError("HonoSessionStore has no option `ttl`; did you mean `ttlMs`?"));
    expect(() => new HonoSessionStore(store, { owners: () => undefined } as never)).toThrow(
      new TypeError("HonoSessionStore has no option `owners`; did you mean `owner`?"),
    );
    expect(() => new HonoSessionStore(store, { ttlMs: 1000, owner: () => undefined })).not.toThrow();
  });
});
