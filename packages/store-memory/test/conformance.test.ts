import { describeSessionStore } from "@session-store/conformance";
import { MemoryStore } from "../src/index.js";

describeSessionStore({
  name: "memory",
  // Each MemoryStore is its own map, so every namespace gets a fresh store.
  create: () => new MemoryStore(),
  capabilities: { expiry: "sweep" },
});
