import type * as TestcontainersModule from "testcontainers";

type Testcontainers = typeof TestcontainersModule;

/**
 * Where the tests find each server backend: the URL from an environment variable
 * first, then a testcontainers container when a Docker engine answers, else a skip
 * with a one-line reason that says how to enable the backend.
 *
 * SESSION_STORE_REQUIRE=memory,sqlite,redis,postgres turns a skip of a listed
 * backend into a failure, so CI cannot go green by silently testing nothing.
 */

export type ServerBackend = "redis" | "postgres" | "mongo";

export type ResolvedBackend =
  | { readonly url: string; readonly source: "env" | "container"; readonly skip?: undefined }
  | { readonly url?: undefined; readonly skip: string };

interface BackendSpec {
  readonly envVar: string;
  readonly image: string;
  readonly port: number;
  readonly env?: Record<string, string>;
  /** A log line that says the server accepts clients, and how many times it must appear. */
  readonly readyLog?: { readonly pattern: RegExp; readonly times: number };
  readonly urlFor: (host: string, port: number) => string;
}

const specs: Record<ServerBackend, BackendSpec> = {
  redis: {
    envVar: "REDIS_URL",
    image: "redis:7-alpine",
    port: 6379,
    urlFor: (host, port) => `redis://${host}:${port}`,
  },
  postgres: {
    envVar: "POSTGRES_URL",
    image: "postgres:16-alpine",
    port: 5432,
    env: { POSTGRES_PASSWORD: "postgres", POSTGRES_DB: "test" },
    // The image's init script starts the server once, stops it, then starts it for real.
    readyLog: { pattern: /database system is ready to accept connections/, times: 2 },
    urlFor: (host, port) => `postgres://postgres:postgres@${host}:${port}/test`,
  },
  mongo: {
    envVar: "MONGO_URL",
    image: "mongo:7",
    port: 27017,
    urlFor: (host, port) => `mongodb://${host}:${port}/test`,
  },
};

/** Backends whose skip must fail the run, from SESSION_STORE_REQUIRE. */
export function requiredBackends(): Set<string> {
  const raw = process.env.SESSION_STORE_REQUIRE ?? "";
  return new Set(raw.split(",").map((name) => name.trim()).filter(Boolean));
}

const resolved = new Map<ServerBackend, Promise<ResolvedBackend>>();

/** Resolves a server backend once per test process. */
export function resolveBackend(name: ServerBackend): Promise<ResolvedBackend> {
  let result = resolved.get(name);
  if (!result) {
    result = resolveUncached(name);
    resolved.set(name, result);
  }
  return result;
}

async function resolveUncached(name: ServerBackend): Promise<ResolvedBackend> {
  const spec = specs[name];
  const fromEnv = process.env[spec.envVar];
  if (fromEnv) return { url: fromEnv, source: "env" };

  const container = await startContainer(spec);
  if (container) return { url: container, source: "container" };

  const skip = `${name}: skipped, no server. Set ${spec.envVar} (e.g. ${spec.urlFor("127.0.0.1", spec.port)}) or start a Docker engine for testcontainers`;
  if (requiredBackends().has(name)) {
    throw new Error(`${skip}; SESSION_STORE_REQUIRE lists ${name}, so this is a failure`);
  }
  console.warn(skip);
  return { skip };
}

/** Starts a container for the backend, or resolves undefined when no Docker engine answers. */
async function startContainer(spec: BackendSpec): Promise<string | undefined> {
  let testcontainers: Testcontainers;
  try {
    testcontainers = await import("testcontainers");
    await testcontainers.getContainerRuntimeClient();
  } catch {
    return undefined;
  }
  const container = await new testcontainers.GenericContainer(spec.image)
    .withExposedPorts(spec.port)
    .withEnvironment(spec.env ?? {})
    .withWaitStrategy(
      spec.readyLog
        ? testcontainers.Wait.forLogMessage(spec.readyLog.pattern, spec.readyLog.times)
        : testcontainers.Wait.forListeningPorts(),
    )
    .start();
  return spec.urlFor(container.getHost(), container.getMappedPort(spec.port));
}
