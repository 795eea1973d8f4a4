import { describeSessionStore } from "@session-store/conformance";
import { PostgresStore } from "../src/index.js";
import { adminPool, backend, Created, inspectRow, uniqueAppName, url } from "./support.js";

// Every check's table lives in one schema of this run, dropped (with them) at the end.
const created = new Created();
const schema = created.schema("ss_conformance");
const applicationName = uniqueAppName("conformance");
const admin = backend.skip ? undefined : adminPool();

describeSessionStore({
  name: "postgres",
  // Store-owned pools, the default path: each store opens its own and ends it in close().
  create: (namespace) =>
    new PostgresStore({ connection: { connectionString: url, max: 4 }, schema, table: namespace, applicationName }),
  capabilities: { expiry: "sweep", sharedNamespace: true },
  inspect: (namespace, id) => inspectRow(admin!, schema, namespace, id),
  skip: backend.skip,
  cleanup: async () => {
    if (!admin) return;
    await created.drop(admin);
    await admin.end();
  },
});
