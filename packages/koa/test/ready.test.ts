import { backends, describeReadyChecks } from "@session-store/bridge-test";
import { describe, expect, it } from "vitest";
import { KoaSessionStore } from "../src/index.js";

describeReadyChecks("KoaSessionStore", (store) => new KoaSessionStore(store));

describe("KoaSessionStore options", () => {
  it("refuses an unknown option, naming the nearest known one", async () => {
    const store = await backends[0]!.open();
    expect(() => new KoaSessionStore(store, { ttl: 1000 } as never)).toThrow(new TypeError("KoaSessionStore has no option `ttl`; did you mean `ttlMs`?"));
    expect(() => new KoaSessionStore(store, { owners: () => undefined } as never)).toThrow(
      new TypeError("KoaSessionStore has no option `owners`; did you mean `owner`?"),
    );
    expect(() => new KoaSessionStore(store, { ttlMs: 1000, owner: () => undefined })).not.toThrow();
  });
});
