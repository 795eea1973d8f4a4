import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import type { Backend } from "./backends.js";
import type { FaultFigures } from "./measure.js";
import { measureFaults } from "./measure.js";
import { openStore } from "./open-store.js";
import type { StoreSpec } from "./open-store.js";
import { DedicatedRedis } from "./redis-server.js";

export interface FaultOptions {
  readonly durationMs: number;
  readonly intervalMs: number;
  readonly workers: number;
}

/** The fault each backend gets, or undefined where none applies (memory lives and dies with its process). */
export async function runFaults(backend: Backend, options: FaultOptions): Promise<FaultFigures | undefined> {
  switch (backend.name) {
    case "redis":
      return redisRestarts(backend, options);
    case "postgres":
      return postgresKills(backend, options);
    case "sqlite":
      return sqliteCrashes(backend, options);
    default:
      return undefined;
  }
}

/** SIGKILL of a dedicated redis-server (loopback port 7301, append-only file), then a restart over the same file. */
async function redisRestarts(backend: Backend, options: FaultOptions): Promise<FaultFigures> {
  const server = await DedicatedRedis.start();
  try {
    const spec: StoreSpec = { backend: "redis", url: server.url, prefix: `reliability:${backend.newNamespace()}:` };
    const probe = await openStore(spec);
    try {
      return await measureFaults({
        kind: "redis-server SIGKILL + restart (appendfsync always)",
        spec,
        probe,
        idPrefix: "faults",
        ...options,
        fault: () => server.killAndRestart(),
      });
    } finally {
      await probe.close?.();
    }
  } finally {
    await server.stop();
  }
}

/** pg_terminate_backend of every connection this run opened (and only those: they carry its application_name). */
async function postgresKills(backend: Backend, options: FaultOptions): Promise<FaultFigures> {
  const namespace = backend.newNamespace();
  const spec = backend.spec(namespace);
  const probe = await backend.open(namespace);
  const admin = new pg.Client({ connectionString: backend.url, application_name: `${backend.applicationName}-killer` });
  await admin.connect();
  let terminated = 0;
  try {
    const figures = await measureFaults({
      kind: "pg_terminate_backend of all the run's connections",
      spec,
      probe,
      idPrefix: namespace,
      ...options,
      fault: async () => {
        const { rows } = await admin.query<{ killed: number }>(
          "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS killed FROM pg_stat_activity WHERE application_name = $1",
          [backend.applicationName],
        );
        terminated += rows[0]?.killed ?? 0;
      },
    });
    return { ...figures, notes: [...figures.notes, `${terminated} connections terminated in all`] };
  } finally {
    await probe.close?.();
    await admin.end();
  }
}

/** SIGKILL of a writer process in the middle of its writes, a new one started in its place. */
async function sqliteCrashes(backend: Backend, options: FaultOptions): Promise<FaultFigures> {
  const namespace = backend.newNamespace();
  const spec = backend.spec(namespace);
  const probe = await backend.open(namespace);
  try {
    const figures = await measureFaults({
      kind: "SIGKILL of a writer process mid-write",
      spec,
      probe,
      idPrefix: namespace,
      ...options,
      replaceKilled: true,
      fault: async (workers) => {
        const running = workers.filter((worker) => worker.child.exitCode === null && worker.child.signalCode === null);
        const victim = running[Math.floor(Math.random() * running.length)];
        if (!victim) return undefined;
        victim.child.kill("SIGKILL");
        await victim.result;
        return victim;
      },
    });
    const path = (spec as { path: string }).path;
    const db = new BetterSqlite3(path, { readonly: true });
    const integrity = (db.pragma("integrity_check", { simple: true }) as string) ?? "unknown";
    db.close();
    return { ...figures, notes: [...figures.notes, `PRAGMA integrity_check after the kills: ${integrity}`] };
  } finally {
    await probe.close?.();
  }
}
