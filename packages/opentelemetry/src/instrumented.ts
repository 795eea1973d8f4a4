import { performance } from "node:perf_hooks";
import { metrics, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { Attributes, MeterProvider, Span, TracerProvider } from "@opentelemetry/api";
import { isManaged, SessionStoreError } from "@session-store/core";
import type { DecoratedStore, EntriesOptions, ListedEntry, ManagedSessionStore, Operation, SessionStore } from "@session-store/core";
import { checkKnownOptions, checkOptionsObject } from "@session-store/core/adapter";
import {
  ATTR_DB_NAMESPACE,
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_SYSTEM_NAME,
  ATTR_ERROR_TYPE,
  DURATION_BUCKETS_SECONDS,
  ERROR_TYPE_OTHER,
  METRIC_DB_CLIENT_OPERATION_DURATION,
  METRIC_OPERATION_ERRORS,
  METRIC_SWEEP_DELETED,
  SYSTEM_OF_CLASS,
} from "./attributes.js";

/** Where `instrumented` records, and what it says about the backend. */
export interface InstrumentedOptions {
  /** Default: the global tracer provider of `@opentelemetry/api`. */
  readonly tracerProvider?: TracerProvider;
  /** Default: the global meter provider, as registered when `instrumented` is called. */
  readonly meterProvider?: MeterProvider;
  /**
   * `db.system.name`. Default: from the store's class (MemoryStore "memory", SqliteStore
   * "sqlite", PostgresStore "postgresql", RedisStore "redis", MongoStore "mongodb");
   * none for any other store, a decorated one included.
   */
  readonly system?: string;
  /** `db.namespace` (e.g. the database name), when you want it recorded. */
  readonly namespace?: string;
}

const KNOWN_OPTIONS = ["tracerProvider", "meterProvider", "system", "namespace"];
const SCOPE = "@session-store/opentelemetry";

/** The calls that resolve once: a span and a duration each. `entries` is apart: it is iterated. */
const CALLS = ["load", "store", "remove", "touch", "sweep", "close", "ping"] as const;
const MANAGEMENT_CALLS = ["entry", "sessionsOf", "removeSessionsOf", "revoke", "count", "clear"] as const;

type Call = (...args: unknown[]) => Promise<unknown>;

/**
 * Wraps a store so that every call is a CLIENT span (`session-store <operation>`) with
 * the database semantic conventions, a sample of `db.client.operation.duration`, and on
 * failure an `error.type`, an ERROR status and a count in `session_store.operation.errors`;
 * what `sweep()` deleted is counted in `session_store.sweep.deleted`. Nothing recorded
 * holds a session id, an owner or session data: the attributes are fixed per store and
 * operation, and a status message is a `SessionStoreError`'s (which never holds them) or
 * else only the error's class. The returned store has exactly the methods of `store`.
 */
export function instrumented<S extends SessionStore>(store: S, options: InstrumentedOptions = {}): DecoratedStore<S> {
  checkOptionsObject(options, "instrumented");
  checkKnownOptions(options, KNOWN_OPTIONS, "instrumented");
  const base: Attributes = {};
  const system = options.system === undefined ? systemOf(store) : checkName(options.system, "system");
  if (system !== undefined) base[ATTR_DB_SYSTEM_NAME] = system;
  if (options.namespace !== undefined) base[ATTR_DB_NAMESPACE] = checkName(options.namespace, "namespace");

  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(SCOPE);
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(SCOPE);
  const duration = meter.createHistogram(METRIC_DB_CLIENT_OPERATION_DURATION, {
    description: "Duration of session store operations.",
    unit: "s",
    advice: { explicitBucketBoundaries: DURATION_BUCKETS_SECONDS },
  });
  const errors = meter.createCounter(METRIC_OPERATION_ERRORS, { description: "Session store operations that rejected.", unit: "{error}" });
  const swept = meter.createCounter(METRIC_SWEEP_DELETED, { description: "Expired entries deleted by sweep().", unit: "{session}" });

  const attributesOf = (operation: Operation): Attributes => ({ ...base, [ATTR_DB_OPERATION_NAME]: operation });
  const startOptions = (operation: Operation) => ({ kind: SpanKind.CLIENT, attributes: attributesOf(operation) });
  /** Records the failure on the span and the error counter; returns its `error.type`. */
  const failed = (span: Span, operation: Operation, error: unknown): string => {
    const errorType = errorTypeOf(error);
    span.setAttribute(ATTR_ERROR_TYPE, errorType);
    span.setStatus({ code: SpanStatusCode.ERROR, message: statusMessage(operation, error, errorType) });
    errors.add(1, { ...attributesOf(operation), [ATTR_ERROR_TYPE]: errorType });
    return errorType;
  };

  // The inner call starts synchronously, within the caller's tick, so calls on one id
  // reach the store in the order they were made (CONTRACT.md).
  const traced = (operation: Operation, call: () => Promise<unknown>): Promise<unknown> =>
    tracer.startActiveSpan(`session-store ${operation}`, startOptions(operation), async (span) => {
      const started = performance.now();
      let errorType: string | undefined;
      try {
        const result = await call();
        if (operation === "sweep" && typeof result === "number") swept.add(result, base);
        return result;
      } catch (error) {
        errorType = failed(span, operation, error);
        throw error;
      } finally {
        const attributes = attributesOf(operation);
        if (errorType !== undefined) attributes[ATTR_ERROR_TYPE] = errorType;
        duration.record((performance.now() - started) / 1000, attributes);
        span.end();
      }
    });

  /**
   * One span over the whole listing, from the first `next()` (where the inner listing
   * opens) to its end, an error or the caller's `break`. No duration sample: the
   * listing lasts as long as the caller takes between entries.
   */
  async function* tracedEntries(inner: ManagedSessionStore, entriesOptions?: EntriesOptions): AsyncIterable<ListedEntry> {
    const span = tracer.startSpan("session-store entries", startOptions("entries"));
    try {
      yield* inner.entries(entriesOptions);
    } catch (error) {
      failed(span, "entries", error);
      throw error;
    } finally {
      span.end();
    }
  }

  const inner = store as unknown as Record<string, Call>;
  const wrapped: Record<string, unknown> = {};
  const instrument = (operation: (typeof CALLS)[number] | (typeof MANAGEMENT_CALLS)[number]) => {
    const method = inner[operation];
    if (typeof method === "function") wrapped[operation] = (...args: unknown[]) => traced(operation, () => method.apply(store, args));
  };
  CALLS.forEach(instrument);
  if (isManaged(store)) {
    MANAGEMENT_CALLS.forEach(instrument);
    wrapped.entries = (entriesOptions?: EntriesOptions) => tracedEntries(store, entriesOptions);
  }
  return wrapped as unknown as DecoratedStore<S>;
}

/** `db.system.name` of a store of this project (or a subclass of one), by its class. */
function systemOf(store: SessionStore): string | undefined {
  for (let proto: unknown = Object.getPrototypeOf(store); proto !== null && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof name === "string" && Object.hasOwn(SYSTEM_OF_CLASS, name)) return SYSTEM_OF_CLASS[name];
  }
  return undefined;
}

function checkName(value: unknown, name: string): string {
  if (typeof value !== "string") throw new TypeError(`instrumented ${name} must be a string`);
  if (value.length === 0) throw new RangeError(`instrumented ${name} must not be empty`);
  return value;
}

/** The error's class name (`SessionStoreError`, `RangeError`...): a low-cardinality `error.type`. */
function errorTypeOf(error: unknown): string {
  return error instanceof Error && error.name ? error.name : ERROR_TYPE_OTHER;
}

/**
 * A `SessionStoreError`'s message holds no id, owner, data or password (CONTRACT.md);
 * any other error's might, so only its class is told.
 */
function statusMessage(operation: Operation, error: unknown, errorType: string): string {
  return error instanceof SessionStoreError ? error.message : `${operation} failed: ${errorType}`;
}
