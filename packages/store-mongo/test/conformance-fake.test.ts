import { describeSessionStore } from "@session-store/conformance";
import type { MongoStoreUrlOptions } from "../src/index.js";
import { MAX_DATA_BYTES, MongoStore } from "../src/index.js";
import { fakeMongod } from "./fake-mongod.js";
import { startStubServer } from "./stub-server.js";

/*
 * The conformance suite against the store over a fake mongod (test/fake-mongod.ts) on
 * a loopback socket: the driver's real commands, answered by this project's model of
 * MongoDB. It checks the store's logic here; the same suite against a real server is
 * test/conformance.test.ts, run by the workflow's mongo job.
 */
async function fakeSuite(name: string, extra: Partial<MongoStoreUrlOptions>, expiry: "native" | "sweep"): Promise<void> {
  // A server each, so the first suite's cleanup leaves the second's alone.
  const fake = fakeMongod();
  const server = await startStubServer(fake.reply);
  describeSessionStore({
    name,
    create: (namespace, options) => new MongoStore({ ...extra, ...options, url: server.url, collection: namespace }),
    capabilities: { expiry, sharedNamespace: true, maxDataBytes: MAX_DATA_BYTES, management: true, clock: "server" },
    inspect: async (namespace, id) => {
      const document = fake.document(namespace, id);
      if (document === undefined || document.revoked === true) return undefined;
      return { expiresInMs: (document.expiresAt as Date).getTime() - Date.now() };
    },
    cleanup: () => server.stop(),
  });
}

await fakeSuite("mongo (fake mongod)", {}, "native");
await fakeSuite("mongo (fake mongod, sweep: true)", { sweep: true }, "sweep");
