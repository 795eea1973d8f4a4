import { metrics, SpanStatusCode, trace } from "@opentelemetry/api";
import * as semconv from "@opentelemetry/semantic-conventions";
import type { SessionStore } from "@session-store/core";
import { hashedIds } from "@session-store/core";
import { HOUR } from "@session-store/harness";
import { MemoryStore } from "@session-store/store-memory";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as otelNames from "../src/index.js";
import { instrumented } from "../src/index.js";
import { telemetry } from "./telemetry.js";
import type { Telemetry } from "./telemetry.js";

const ID = "sid-secret-9c1e";
const bytes = (...values: number[]) => new Uint8Array(values);

/** A third-party store of the four operations only, whose errors are careless with the id. */
function plainStore(): SessionStore {
  const sessions = new Map<string, Uint8Array>();
  return {
    load: async (id) => sessions.get(id),
    store: async (id, data) => (sessions.set(id, data), true),
    remove: async (id) => {
      throw new Error(`cannot remove session ${id}`);
    },
    touch: async () => false,
  };
}

let otel: Telemetry;
let memory: MemoryStore;
beforeEach(() => {
  otel = telemetry();
  memory = new MemoryStore({ janitorIntervalMs: HOUR });
});
afterEach(async () => {
  await memory.close();
  await otel.shutdown();
});
const providers = () => ({ tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider });

describe("the wrapped store's surface", () => {
  it("has exactly the methods of a managed store", () => {
    const store = instrumented(memory, providers());
    const methods = ["load", "store", "remove", "touch", "sweep", "close", "ping", "entry", "sessionsOf", "removeSessionsOf", "revoke", "entries", "count", "clear"];
    expect(Object.keys(store).sort()).toEqual(methods.sort());
  });

  it("has only the four operations over a store that has only those", () => {
    const store = instrumented(plainStore(), providers());
    expect(Object.keys(store).sort()).toEqual(["load", "remove", "store", "touch"]);
  });

  it("passes each call's result through and reaches the store in call order, awaited or not", async () => {
    const store = instrumented(memory, providers());
    const stored = store.store(ID, bytes(1, 2), HOUR);
    const loaded = store.load(ID);
    expect(await stored).toBe(true);
    expect(await loaded).toEqual(bytes(1, 2));
  });
});

describe("failures", () => {
  it("turns a bad argument into an ERROR span naming only the error's class", async () => {
    const store = instrumented(memory, providers());
    await expect(store.load("")).rejects.toThrow(RangeError);
    const [span] = otel.spans();
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: "load failed: RangeError" });
    expect(span?.attributes["error.type"]).toBe("RangeError");
  });

  it("never copies a third-party error's message, which may hold the id", async () => {
    const store = instrumented(plainStore(), { ...providers(), system: "acme" });
    await expect(store.remove(ID)).rejects.toThrow(ID);
    const [span] = otel.spans();
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: "remove failed: Error" });
    expect(await otel.counted("session_store.operation.errors", { "db.system.name": "acme", "error.type": "Error" })).toBe(1);
    expect(await otel.everything()).not.toContain(ID);
  });

  it("records a listing that fails on its first next()", async () => {
    const store = instrumented(memory, providers());
    const listing = store.entries({ batchSize: 0 })[Symbol.asyncIterator]();
    await expect(listing.next()).rejects.toThrow(RangeError);
    const [span] = otel.spans();
    expect(span?.name).toBe("session-store entries");
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(await otel.counted("session_store.operation.errors", { "db.operation.name": "entries" })).toBe(1);
  });
});

describe("entries", () => {
  it("opens its span on the first next() and ends it when the caller breaks off", async () => {
    const store = instrumented(memory, providers());
    for (const id of ["a", "b", "c"]) await store.store(id, bytes(1), HOUR);
    otel.exporter.reset();
    const listing = store.entries({ batchSize: 1 });
    expect(otel.spans()).toEqual([]);
    for await (const entry of listing) {
      expect(entry.data).toEqual(bytes(1));
      break;
    }
    const spans = otel.spans();
    expect(spans.map((span) => span.name)).toEqual(["session-store entries"]);
    expect(spans[0]?.status.code).toBe(SpanStatusCode.UNSET);
  });
});

describe("options", () => {
  it("names the system and namespace it is given", async () => {
    const store = instrumented(hashedIds(memory, { secret: "a secret of at least sixteen bytes" }), {
      ...providers(),
      system: "memory",
      namespace: "app",
    });
    await store.load(ID);
    expect(otel.spans()[0]?.attributes).toEqual({ "db.system.name": "memory", "db.namespace": "app", "db.operation.name": "load" });
    expect(await otel.durationCount({ "db.system.name": "memory", "db.namespace": "app" })).toBe(1);
  });

  it("names no system for a store whose class it does not know (a decorated one)", async () => {
    const store = instrumented(hashedIds(memory, { secret: "a secret of at least sixteen bytes" }), providers());
    await store.load(ID);
    expect(otel.spans()[0]?.attributes).toEqual({ "db.operation.name": "load" });
  });

  it("knows a subclass of a store of ours", async () => {
    class AppStore extends MemoryStore {}
    const own = new AppStore({ janitorIntervalMs: HOUR });
    await instrumented(own, providers()).load(ID);
    await own.close();
    expect(otel.spans()[0]?.attributes["db.system.name"]).toBe("memory");
  });

  it("refuses a misspelt option or a bad value", () => {
    expect(() => instrumented(memory, { tracer: otel.tracerProvider } as never)).toThrow(/did you mean `tracerProvider`/);
    expect(() => instrumented(memory, { system: "" })).toThrow(RangeError);
    expect(() => instrumented(memory, { namespace: 5 } as never)).toThrow(TypeError);
    expect(() => instrumented(memory, null as never)).toThrow(TypeError);
  });

  it("records through the global providers when none is given", async () => {
    trace.setGlobalTracerProvider(otel.tracerProvider);
    metrics.setGlobalMeterProvider(otel.meterProvider);
    try {
      await instrumented(memory).load(ID);
    } finally {
      trace.disable();
      metrics.disable();
    }
    expect(otel.spans().map((span) => span.name)).toEqual(["session-store load"]);
    expect(await otel.durationCount({ "db.operation.name": "load" })).toBe(1);
  });
});

describe("names", () => {
  it("are the stable semantic conventions' own", () => {
    expect(otelNames.ATTR_DB_SYSTEM_NAME).toBe(semconv.ATTR_DB_SYSTEM_NAME);
    expect(otelNames.ATTR_DB_OPERATION_NAME).toBe(semconv.ATTR_DB_OPERATION_NAME);
    expect(otelNames.ATTR_DB_NAMESPACE).toBe(semconv.ATTR_DB_NAMESPACE);
    expect(otelNames.ATTR_ERROR_TYPE).toBe(semconv.ATTR_ERROR_TYPE);
    expect(otelNames.METRIC_DB_CLIENT_OPERATION_DURATION).toBe(semconv.METRIC_DB_CLIENT_OPERATION_DURATION);
  });
});
