import { defineProject, mergeConfig } from "vitest/config";
import { defineSessionStoreProject } from "../../tooling/vitest.base.js";

export default mergeConfig(defineSessionStoreProject("demo"), defineProject({ test: { globalSetup: ["test/build-demo.ts"] } }));
