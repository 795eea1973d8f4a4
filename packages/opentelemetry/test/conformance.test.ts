import { describeSessionStore } from "@session-store/conformance";
import { MemoryStore } from "@session-store/store-memory";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import { instrumented } from "../src/index.js";

// Recording for real (a span processor, a meter provider) proves the wrapper is
// transparent while it records, not only while it is a no-op.
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())] });
const meterProvider = new MeterProvider();

describeSessionStore({
  name: "instrumented(memory)",
  // As in store-memory's own run: the janitor is held off so the suite's sweep() counts are its own.
  create: (_namespace, options) =>
    instrumented(new MemoryStore({ janitorIntervalMs: 3_600_000, revocationGraceMs: options?.revocationGraceMs }), {
      tracerProvider,
      meterProvider,
    }),
  capabilities: { expiry: "sweep", clock: "process" },
});
