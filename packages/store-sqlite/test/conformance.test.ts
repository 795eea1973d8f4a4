import { describeSessionStore } from "@session-store/conformance";
import { harness } from "@session-store/harness";
import { SqliteStore } from "../src/index.js";

// One database file for this test file; every namespace is a table in it.
const backend = await harness("sqlite");
const file = backend.newNamespace();
const path = new URL(backend.storeUrl(file)).pathname;

describeSessionStore({
  name: "sqlite",
  create: (namespace) => new SqliteStore({ path, table: namespace }),
  capabilities: { expiry: "sweep", sharedNamespace: true },
  // Reads expires_at with a connection of its own, so the suite sees the row, not what the store reports.
  inspect: (namespace, id) => backend.inspect(`${file}.${namespace}`, id),
  cleanup: () => backend.cleanup(),
});
