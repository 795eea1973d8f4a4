import { defineSessionStoreProject } from "../vitest.base.js";

export default defineSessionStoreProject("pack-test");
