import { inspect } from "node:util";
import { MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import type { DataPoint, Histogram, MetricData } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";

/** A reader that exports only when a test asks, through `collect()`. */
class TestMetricReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

/** The real SDK, recording in memory: what a test reads back of spans and metrics. */
export function telemetry() {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const reader = new TestMetricReader();
  const meterProvider = new MeterProvider({ readers: [reader] });

  const spans = (): ReadableSpan[] => exporter.getFinishedSpans();
  const metrics = async (): Promise<MetricData[]> => {
    const { resourceMetrics, errors } = await reader.collect();
    if (errors.length > 0) throw errors[0];
    return resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
  };
  const metric = async (name: string): Promise<MetricData | undefined> => (await metrics()).find((m) => m.descriptor.name === name);
  /** Every data point of `name` whose attributes include `attributes`. */
  const points = async (name: string, attributes: Record<string, unknown>): Promise<DataPoint<unknown>[]> =>
    ((await metric(name))?.dataPoints ?? []).filter((point: DataPoint<unknown>) =>
      Object.entries(attributes).every(([key, value]) => point.attributes[key] === value),
    );
  /** How many samples the duration histogram holds for these attributes. */
  const durationCount = async (attributes: Record<string, unknown>): Promise<number> =>
    (await points("db.client.operation.duration", attributes)).reduce((sum, point) => sum + (point.value as Histogram).count, 0);
  /** The sum of a counter's points for these attributes. */
  const counted = async (name: string, attributes: Record<string, unknown>): Promise<number> =>
    (await points(name, attributes)).reduce((sum, point) => sum + (point.value as number), 0);
  /** Everything exported, spans and metrics, as text: a test searches it for what must never be there. */
  const everything = async (): Promise<string> =>
    inspect({ spans: spans(), metrics: await metrics() }, { depth: 12, maxArrayLength: Infinity, maxStringLength: Infinity }) +
    JSON.stringify(spans().map(({ name, attributes, status, events, links }) => ({ name, attributes, status, events, links })));
  const shutdown = async () => {
    await tracerProvider.shutdown();
    await meterProvider.shutdown();
  };
  return { tracerProvider, meterProvider, exporter, spans, metrics, metric, points, durationCount, counted, everything, shutdown };
}

export type Telemetry = ReturnType<typeof telemetry>;
