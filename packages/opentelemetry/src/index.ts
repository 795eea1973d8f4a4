export { instrumented } from "./instrumented.js";
export type { InstrumentedOptions } from "./instrumented.js";
export {
  ATTR_DB_NAMESPACE,
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_SYSTEM_NAME,
  ATTR_ERROR_TYPE,
  METRIC_DB_CLIENT_OPERATION_DURATION,
  METRIC_OPERATION_ERRORS,
  METRIC_SWEEP_DELETED,
} from "./attributes.js";
