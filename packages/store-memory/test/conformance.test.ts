import { describeSessionStore } from "@session-store/conformance";
import { MemoryStore } from "../src/index.js";

describeSessionStore({
  name: "memory",
  // Each MemoryStore is its own map, so every namespace gets a fresh store. The
  // background janitor (tested in memory.test.ts) is held off for the suite's length:
  // a run of it between a check's expiry and its own sweep() calls would take the
  // deletions the check counts. Checks of revocation ask for a short grace.
  create: (_namespace, options) =>
    new MemoryStore({ janitorIntervalMs: 3_600_000, revocationGraceMs: options?.revocationGraceMs }),
  capabilities: { expiry: "sweep", clock: "process" },
});
