import type { CreateOptions } from "@session-store/conformance";
import { describeSessionStore } from "@session-store/conformance";
import { harness } from "@session-store/harness";
import { RedisStore } from "@session-store/store-redis";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe } from "vitest";
import { ConnectRedisReader, migrating } from "../src/index.js";

const backend = await harness("redis");

describe("migrating (connect-redis reader over our RedisStore)", () => {
  // Every suite namespace nests in this one, so the harness's cleanup deletes all their keys.
  const run = backend.newNamespace();
  let client: Redis | undefined;

  beforeAll(() => {
    if (backend.url !== undefined) client = new Redis(backend.url);
  });
  afterAll(async () => {
    await backend.cleanup();
    await client?.quit();
  });

  describeSessionStore({
    name: "migrating (connect-redis reader -> redis)",
    create: (namespace: string, options?: CreateOptions) =>
      migrating({
        from: new ConnectRedisReader({ client: client as Redis, prefix: `${run}:${namespace}:sess:` }),
        to: new RedisStore({
          client: client as Redis,
          prefix: `${run}:${namespace}:ours:`,
          ...(options?.revocationGraceMs === undefined ? {} : { revocationGraceMs: options.revocationGraceMs }),
        }),
      }),
    capabilities: { expiry: "native", sharedNamespace: true, management: true, clock: "server" },
    inspect: (namespace, id) => backend.inspect(run, `${namespace}:ours:${id}`),
    skip: backend.skip,
  });
});
