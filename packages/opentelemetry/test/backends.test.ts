import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import type { ManagedSessionStore } from "@session-store/core";
import { SessionStoreError } from "@session-store/core";
import { harness, HOUR, waitFor } from "@session-store/harness";
import type { Backend } from "@session-store/harness";
import { MemoryStore } from "@session-store/store-memory";
import { PostgresStore } from "@session-store/store-postgres";
import { RedisStore } from "@session-store/store-redis";
import { SqliteStore } from "@session-store/store-sqlite";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { instrumented } from "../src/index.js";
import { telemetry } from "./telemetry.js";
import type { Telemetry } from "./telemetry.js";

// What must never reach a span or a metric.
const ID = "sid-secret-9c1e";
const OWNER = "owner-secret-4b2d";
const MARKER = "data-marker-7f3a";
const DATA = new TextEncoder().encode(`{"user":"${MARKER}"}`);

interface Subject {
  readonly name: string;
  readonly system: string;
  readonly skip?: string;
  create(): ManagedSessionStore;
}

const sqlite = await harness("sqlite");
const redis = await harness("redis");
const postgres = await harness("postgres");
const backends: Backend[] = [sqlite, redis, postgres];

const subjects: Subject[] = [
  { name: "memory", system: "memory", create: () => new MemoryStore({ janitorIntervalMs: HOUR }) },
  {
    name: "sqlite",
    system: "sqlite",
    create: () => {
      const namespace = sqlite.newNamespace();
      return new SqliteStore({ path: new URL(sqlite.storeUrl(namespace)).pathname, table: namespace });
    },
  },
  {
    name: "redis",
    system: "redis",
    skip: redis.skip,
    create: () => new RedisStore({ url: redis.url as string, prefix: `${redis.newNamespace()}:` }),
  },
  {
    name: "postgres",
    system: "postgresql",
    skip: postgres.skip,
    create: () => new PostgresStore({ connection: postgres.url as string, table: postgres.newNamespace() }),
  },
];

afterAll(async () => {
  for (const backend of backends) await backend.cleanup();
});

describe.each(subjects)("instrumented($name)", (subject) => {
  let otel: Telemetry;
  let inner: ManagedSessionStore;
  beforeEach(({ skip }) => {
    if (subject.skip) skip(subject.skip);
    otel = telemetry();
    inner = subject.create();
  });
  afterEach(async () => {
    await inner?.close?.();
    await otel?.shutdown();
  });

  const wrap = () => instrumented(inner, { tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider });

  it("records one CLIENT span per call, with the database conventions and nothing of the session", async () => {
    const store = wrap();
    expect(await store.store(ID, DATA, HOUR, { owner: OWNER })).toBe(true);
    expect(Buffer.from((await store.load(ID)) ?? []).equals(DATA)).toBe(true);
    expect(await store.touch(ID, HOUR)).toBe(true);
    expect((await store.entry(ID))?.owner).toBe(OWNER);
    expect((await store.sessionsOf(OWNER)).map(({ id }) => id)).toEqual([ID]);
    const listed = [];
    for await (const entry of store.entries()) listed.push(entry.id);
    expect(listed).toEqual([ID]);
    expect(await store.count()).toBe(1);
    expect(await store.revoke(ID)).toBe(true);
    expect(await store.removeSessionsOf(OWNER)).toBe(0);
    expect(await store.remove(ID)).toBe(false);
    expect(await store.clear()).toBe(0);
    await store.ping?.();

    const operations = ["store", "load", "touch", "entry", "sessionsOf", "entries", "count", "revoke", "removeSessionsOf", "remove", "clear", "ping"];
    const spans = otel.spans();
    expect(spans.map((span) => span.name)).toEqual(operations.map((operation) => `session-store ${operation}`));
    for (const [index, span] of spans.entries()) {
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.attributes).toEqual({ "db.system.name": subject.system, "db.operation.name": operations[index] });
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
      expect(span.events).toEqual([]);
    }
    const exported = await otel.everything();
    expect(exported).toContain("session-store load"); // the search below reads the real export
    for (const secret of [ID, OWNER, MARKER]) expect(exported).not.toContain(secret);
  });

  it("samples db.client.operation.duration once per call, in seconds", async () => {
    const store = wrap();
    await store.store(ID, DATA, HOUR);
    for (let i = 0; i < 3; i++) await store.load(ID);
    await store.load("absent");
    const attributes = { "db.system.name": subject.system };
    expect(await otel.durationCount({ ...attributes, "db.operation.name": "load" })).toBe(4);
    expect(await otel.durationCount({ ...attributes, "db.operation.name": "store" })).toBe(1);
    const duration = await otel.metric("db.client.operation.duration");
    expect(duration?.descriptor.unit).toBe("s");
    expect(await otel.counted("session_store.operation.errors", {})).toBe(0);
  });

  it("marks a failing call: ERROR status, error.type, the error counter, and no id in the message", async () => {
    const store = wrap();
    await store.close?.();
    const error = await store.load(ID).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(SessionStoreError);

    const span = otel.spans().find((s) => s.name === "session-store load");
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    expect(span?.status.message).toContain("closed");
    expect(span?.attributes["error.type"]).toBe("SessionStoreError");
    const failed = { "db.system.name": subject.system, "db.operation.name": "load", "error.type": "SessionStoreError" };
    expect(await otel.counted("session_store.operation.errors", failed)).toBe(1);
    expect(await otel.durationCount(failed)).toBe(1);
    expect(await otel.everything()).not.toContain(ID);
  });

  it("counts what sweep() deleted, where the store sweeps", async () => {
    const store = wrap();
    if (subject.name === "redis") {
      expect(store.sweep).toBeUndefined(); // native expiry: nothing to sweep, and the wrapper says so
      return;
    }
    await store.store("a", DATA, 1);
    await store.store("b", DATA, 1);
    await store.store("c", DATA, HOUR);
    // count() skips expired sessions without deleting them (load may delete them on read).
    await waitFor("both short sessions to expire", async () => (await inner.count()) === 1);
    const deleted = await store.sweep!();
    expect(deleted).toBe(2);
    expect(await otel.counted("session_store.sweep.deleted", { "db.system.name": subject.system })).toBe(2);
    expect(await store.sweep!()).toBe(0);
    expect(await otel.counted("session_store.sweep.deleted", {})).toBe(2);
    expect(await otel.durationCount({ "db.operation.name": "sweep" })).toBe(2);
  });
});
