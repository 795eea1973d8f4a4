/**
 * The fault each backend gets under load, as data: how to set it up over a fresh namespace
 * (own servers from the harness on ephemeral loopback ports), what one injection does, what
 * to note afterwards. Memory has none: it lives and dies with its process.
 */
import type { Backend, BackendName } from "@session-store/harness";
import { startRedisServer } from "@session-store/harness";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { sqliteFile } from "../bench/cases/sqlite.js";
import type { Fault } from "./sustain.js";

/** A fault ready to run: the store URL to load, the fault, notes for the report, teardown. */
export type PreparedFault = Fault & { readonly url: string; notes(): string[]; stop(): Promise<unknown> };

export const FAULTS: Partial<Record<BackendName, { readonly kind: string; prepare(backend: Backend, namespace: string): Promise<PreparedFault> }>> = {
  redis: {
    kind: "redis-server SIGKILL + restart (appendfsync always)",
    async prepare(_backend, namespace) {
      // A server of our own, never the shared one; its append-only file synced on every write, so an acknowledged write survives.
      const server = await startRedisServer({ args: ["--appendonly", "yes", "--appendfsync", "always", "--loglevel", "warning"] });
      const inject = () => server.kill("SIGKILL").then(() => server.restart());
      return { url: `${server.url}?prefix=${namespace}:`, inject, notes: () => [], stop: () => server.stop() };
    },
  },
  postgres: {
    kind: "pg_terminate_backend of all the run's connections",
    async prepare(backend, namespace) {
      // Only this run's connections: they carry its own application_name.
      const applicationName = `${namespace}_load`;
      const admin = new pg.Client({ connectionString: backend.url });
      await admin.connect();
      let terminated = 0;
      const inject = async () => {
        const sql = "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS killed FROM pg_stat_activity WHERE application_name = $1";
        terminated += (await admin.query<{ killed: number }>(sql, [applicationName])).rows[0]?.killed ?? 0;
      };
      const url = `${backend.storeUrl(namespace)}&application_name=${applicationName}`;
      return { url, inject, notes: () => [`${terminated} connections terminated in all`], stop: () => admin.end() };
    },
  },
  sqlite: {
    kind: "SIGKILL of a writer process mid-write",
    async prepare(backend, namespace) {
      const url = backend.storeUrl(namespace);
      return {
        url,
        replaceKilled: true,
        inject: async (workers) => {
          const running = workers.filter((worker) => worker.child?.running);
          const victim = running[Math.floor(Math.random() * running.length)];
          await victim?.child?.exit(true);
          return victim;
        },
        notes: () => {
          const db = new BetterSqlite3(sqliteFile(url).path, { readonly: true });
          const integrity = String(db.pragma("integrity_check", { simple: true }));
          db.close();
          return [`PRAGMA integrity_check after the kills: ${integrity}`];
        },
        stop: async () => {},
      };
    },
  },
};
