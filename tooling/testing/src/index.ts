export { requiredBackends, resolveBackend } from "./backends.js";
export type { ResolvedBackend, ServerBackend } from "./backends.js";
