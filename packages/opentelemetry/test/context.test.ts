import { AsyncLocalStorage } from "node:async_hooks";
import { context, ROOT_CONTEXT, trace } from "@opentelemetry/api";
import type { Context, ContextManager } from "@opentelemetry/api";
import type { SessionStore } from "@session-store/core";
import { HOUR } from "@session-store/harness";
import { MemoryStore } from "@session-store/store-memory";
import { afterAll, beforeAll, expect, it } from "vitest";
import { instrumented } from "../src/index.js";
import { telemetry } from "./telemetry.js";

/** The least context manager on AsyncLocalStorage, as an SDK registers one (@opentelemetry/context-async-hooks). */
class AsyncLocalStorageContext implements ContextManager {
  readonly #storage = new AsyncLocalStorage<Context>();
  active = () => this.#storage.getStore() ?? ROOT_CONTEXT;
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A) {
    return this.#storage.run(ctx, () => fn.apply(thisArg, args));
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable = () => this;
  disable = () => this;
}

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContext());
});
afterAll(() => {
  context.disable();
});

it("nests under the caller's span, and a driver's spans nest under the store's", async () => {
  const otel = telemetry();
  const tracer = otel.tracerProvider.getTracer("test");
  const memory = new MemoryStore({ janitorIntervalMs: HOUR });
  // Stands in for an instrumented driver: it starts a span of its own inside load.
  const driver: SessionStore = {
    load: (id) => tracer.startActiveSpan("driver get", async (span) => (span.end(), memory.load(id))),
    store: (id, data, ttlMs) => memory.store(id, data, ttlMs),
    remove: (id) => memory.remove(id),
    touch: (id, ttlMs) => memory.touch(id, ttlMs),
  };
  const store = instrumented(driver, { tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider });
  await tracer.startActiveSpan("request", async (span) => {
    await store.load("sid");
    span.end();
  });
  const byName = new Map(otel.spans().map((span) => [span.name, span]));
  const request = byName.get("request");
  const load = byName.get("session-store load");
  expect(load?.parentSpanContext?.spanId).toBe(request?.spanContext().spanId);
  expect(byName.get("driver get")?.parentSpanContext?.spanId).toBe(load?.spanContext().spanId);
  expect(trace.getActiveSpan()).toBeUndefined();
  await memory.close();
  await otel.shutdown();
});
