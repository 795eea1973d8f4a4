// The decorators, until @session-store/core exports them from its entry point.
export { createIdHasher, encrypted, hashedIds } from "../../../packages/core/src/decorators/index.js";
