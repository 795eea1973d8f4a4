import { describeSessionStore } from "@session-store/conformance";
import { MemoryStore } from "@session-store/store-memory";
import { migrating } from "../src/index.js";

// Janitors held off for the suite's length, as store-memory's own suite does.
const memory = (revocationGraceMs?: number) => new MemoryStore({ janitorIntervalMs: 3_600_000, revocationGraceMs });

describeSessionStore({
  name: "migrating (memory over memory)",
  create: (_namespace, options) => migrating({ from: memory(), to: memory(options?.revocationGraceMs) }),
  capabilities: { expiry: "sweep", clock: "process" },
});
