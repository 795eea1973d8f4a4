import { defineSessionStoreProject } from "../vitest.base.js";

export default defineSessionStoreProject("load");
