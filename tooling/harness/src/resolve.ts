import { execFile } from "node:child_process";
import { Redis } from "ioredis";
import pg from "pg";
import type * as Testcontainers from "testcontainers";

/**
 * Where the tests find each server backend: the URL from its environment variable,
 * else a server on the default local port, else a testcontainers container when a
 * Docker engine answers, else a skip that says how to enable it.
 */
export type ServerName = "redis" | "postgres" | "mongo";

interface ServerSpec {
  readonly envVar: string;
  /** The server a developer runs locally, tried when the variable is unset. */
  readonly local?: string;
  readonly answers?: (url: string) => Promise<boolean>;
  readonly image: string;
  /** The port inside the container; testcontainers maps it to an ephemeral host port. */
  readonly containerPort: number;
  readonly env?: Record<string, string>;
  /** The image's init script starts the server once, stops it, then starts it for real: wait for the second. */
  readonly readyTwice?: RegExp;
  readonly urlFor: (host: string, port: number) => string;
}

const specs: Record<ServerName, ServerSpec> = {
  redis: { envVar: "REDIS_URL", local: "redis://127.0.0.1:6379", answers: redisAnswers, image: "redis:7-alpine", containerPort: 6379, urlFor: (host, port) => `redis://${host}:${port}` },
  postgres: {
    envVar: "POSTGRES_URL",
    local: "postgres://postgres@127.0.0.1:5432/test",
    answers: postgresAnswers,
    image: "postgres:16-alpine",
    containerPort: 5432,
    env: { POSTGRES_PASSWORD: "postgres", POSTGRES_DB: "test" },
    readyTwice: /database system is ready to accept connections/,
    urlFor: (host, port) => `postgres://postgres:postgres@${host}:${port}/test`,
  },
  mongo: { envVar: "MONGO_URL", image: "mongo:7", containerPort: 27017, urlFor: (host, port) => `mongodb://${host}:${port}/test` },
};

/** Backends whose skip must fail the run (CI), from SESSION_STORE_REQUIRE=memory,sqlite,redis,postgres. */
export function requiredBackends(): Set<string> {
  return new Set((process.env.SESSION_STORE_REQUIRE ?? "").split(",").map((name) => name.trim()).filter(Boolean));
}

/** Returns `reason` as a skip (and prints it), or throws when SESSION_STORE_REQUIRE lists `backend`. */
export function skipOrFail(backend: string, reason: string): string {
  const skip = `${backend}: skipped, ${reason}`;
  if (requiredBackends().has(backend)) throw new Error(`${skip}; SESSION_STORE_REQUIRE lists ${backend}, so this is a failure`);
  console.warn(skip);
  return skip;
}

/** Why tests that start their own `command` (redis-server, pg_createcluster) cannot run here, or undefined. */
export async function commandSkip(backend: string, command: string): Promise<string | undefined> {
  const found = await new Promise<boolean>((resolve) => execFile("which", [command], (error) => resolve(!error)));
  return found ? undefined : skipOrFail(backend, `${command} is not installed`);
}

const resolved = new Map<ServerName, Promise<{ url?: string; skip?: string }>>();

/** Resolves a server backend once per process. */
export function resolveServer(name: ServerName): Promise<{ url?: string; skip?: string }> {
  if (!resolved.has(name)) resolved.set(name, resolveUncached(specs[name], name));
  return resolved.get(name) as Promise<{ url?: string; skip?: string }>;
}

async function resolveUncached(spec: ServerSpec, name: ServerName): Promise<{ url?: string; skip?: string }> {
  const fromEnv = process.env[spec.envVar];
  if (fromEnv) return { url: fromEnv };
  if (spec.local && (await spec.answers?.(spec.local))) return { url: spec.local };
  const container = await startContainer(spec);
  if (container) return { url: container };
  const local = spec.local ? `, run one at ${spec.local}` : "";
  return { skip: skipOrFail(name, `no server. Set ${spec.envVar} (e.g. ${spec.urlFor("127.0.0.1", spec.containerPort)})${local} or start a Docker engine for testcontainers`) };
}

/** Whether a Redis at `url` answers PING with PONG (LOADING while it reads its files is no). */
export async function redisAnswers(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 1_000, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  client.on("error", () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

async function postgresAnswers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
  client.on("error", () => undefined);
  const answered = await client.connect().then(() => client.query("SELECT 1")).catch(() => undefined);
  await client.end().catch(() => undefined);
  return answered?.rowCount === 1;
}

/** Starts a container for the backend, or resolves undefined when no Docker engine answers. */
async function startContainer(spec: ServerSpec): Promise<string | undefined> {
  const testcontainers = await import("testcontainers").catch(() => undefined);
  if (!(await testcontainers?.getContainerRuntimeClient().then(() => true, () => false))) return undefined;
  const { GenericContainer, Wait } = testcontainers as typeof Testcontainers;
  const container = await new GenericContainer(spec.image)
    .withExposedPorts(spec.containerPort)
    .withEnvironment(spec.env ?? {})
    .withWaitStrategy(spec.readyTwice ? Wait.forLogMessage(spec.readyTwice, 2) : Wait.forListeningPorts())
    .start();
  return spec.urlFor(container.getHost(), container.getMappedPort(spec.containerPort));
}
