import { describeSessionStore } from "@session-store/conformance";
import { harness } from "@session-store/harness";
import type { Backend } from "@session-store/harness";
import type { MongoStoreUrlOptions } from "../src/index.js";
import { MAX_DATA_BYTES, MongoStore } from "../src/index.js";

/**
 * One suite run: every namespace is a collection in a database of this run's own,
 * opened by a store-owned client (so close() is exercised for real); the harness
 * reads the raw documents for `inspect` (a revocation reads as no session) and drops
 * the database afterwards. The checks' `revocationGraceMs` goes to the constructor.
 */
function mongoSuite(backend: Backend, name: string, extra: Partial<MongoStoreUrlOptions>, expiry: "native" | "sweep"): void {
  const database = backend.newNamespace();
  describeSessionStore({
    name,
    create: (namespace, options) =>
      new MongoStore({ ...extra, ...options, url: backend.url as string, database, collection: namespace }),
    capabilities: { expiry, sharedNamespace: true, maxDataBytes: MAX_DATA_BYTES, management: true, clock: "server" },
    inspect: (namespace, id) => backend.inspect(`${database}.${namespace}`, id),
    skip: backend.skip,
    cleanup: () => backend.cleanup(),
  });
}

// A backend each, so the first suite's cleanup leaves the second's database alone.
mongoSuite(await harness("mongo"), "mongo", {}, "native");
mongoSuite(await harness("mongo"), "mongo (sweep: true)", { sweep: true }, "sweep");
