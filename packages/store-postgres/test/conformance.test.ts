import { describeSessionStore } from "@session-store/conformance";
import { PostgresStore } from "../src/index.js";
import { backend, uniqueAppName, url } from "./support.js";

// Every check's table lives in one schema of this run, dropped (with them) at the end.
const schema = backend.newNamespace();
const applicationName = uniqueAppName("conformance");

describeSessionStore({
  name: "postgres",
  // Store-owned pools, the default path: each store opens its own and ends it in close().
  create: (namespace, options) =>
    new PostgresStore({
      connection: { connectionString: url, max: 4 },
      schema,
      table: namespace,
      applicationName,
      // The suite calls sweep() itself and counts what it deletes: a background run at a random moment would take from that count.
      sweepIntervalMs: false,
      ...(options?.revocationGraceMs === undefined ? {} : { revocationGraceMs: options.revocationGraceMs }),
    }),
  capabilities: { expiry: "sweep", sharedNamespace: true },
  inspect: (namespace, id) => backend.inspect(`${schema}.${namespace}`, id),
  skip: backend.skip,
  cleanup: () => backend.cleanup(),
});
