import { defineSessionStoreProject } from "../../tooling/vitest.base.js";

export default defineSessionStoreProject("cli");
