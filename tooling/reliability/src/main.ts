/**
 * `pnpm reliability`: per backend, the operations per second held for a sustained
 * run, the faults survived, the bad inputs refused and the acknowledged writes lost,
 * written to RELIABILITY.md at the repo root.
 *
 *   pnpm reliability [--duration 60] [--fault-duration 20] [--workers 2]
 *                    [--backends memory,sqlite,redis,postgres] [--out RELIABILITY.md]
 */
import { writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import BetterSqlite3 from "better-sqlite3";
import { Redis } from "ioredis";
import pg from "pg";
import { allBackends } from "./backends.js";
import type { Backend } from "./backends.js";
import { tryBadInputs } from "./bad-inputs.js";
import { runFaults } from "./faults.js";
import { measureThroughput } from "./measure.js";
import { passed, renderReport } from "./report.js";
import type { BackendFigures } from "./report.js";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const BAD_INPUTS = 2_000;

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "60" },
    "fault-duration": { type: "string", default: "20" },
    "fault-interval": { type: "string", default: "4" },
    workers: { type: "string", default: "2" },
    backends: { type: "string", default: "memory,sqlite,redis,postgres" },
    out: { type: "string", default: join(repoRoot, "RELIABILITY.md") },
  },
});
const seconds = (name: string, text: string) => {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`--${name} must be a number of seconds > 0`);
  return value;
};
const durationSeconds = seconds("duration", values.duration);
const faultSeconds = seconds("fault-duration", values["fault-duration"]);
const faultInterval = seconds("fault-interval", values["fault-interval"]);
const workers = Math.max(1, Math.floor(Number(values.workers)));
const wanted = new Set(values.backends.split(",").map((name) => name.trim()));

const backends = (await allBackends()).filter((backend) => wanted.has(backend.name));
const figures: BackendFigures[] = [];
try {
  for (const backend of backends) figures.push(await measure(backend));
} finally {
  await Promise.all(backends.map((backend) => backend.cleanup()));
}

const report = renderReport(
  {
    command: `pnpm reliability ${process.argv.slice(2).join(" ")}`.trim(),
    date: new Date().toISOString(),
    machine: machine(),
    workers,
    durationSeconds,
    faultSeconds,
  },
  figures,
);
const out = resolve(values.out);
writeFileSync(out, report);
console.log(report);
console.log(`written to ${out}`);
process.exitCode = passed(figures) ? 0 : 1;

async function measure(backend: Backend): Promise<BackendFigures> {
  if (backend.skip) return { name: backend.name, skipped: backend.skip };
  log(`${backend.name}: ${durationSeconds} s of sustained load`);
  const namespace = backend.newNamespace();
  const spec = backend.multiProcess ? backend.spec(namespace) : undefined;
  const throughput = await measureThroughput(() => backend.open(namespace), spec, namespace, durationSeconds * 1000, workers);
  log(`${backend.name}: ${throughput.meanPerSecond} ops/s, lowest second ${throughput.lowestSecond}, lost ${throughput.lost}`);
  const store = await backend.open(backend.newNamespace());
  const badInputs = await tryBadInputs(store, BAD_INPUTS).finally(() => store.close?.());
  log(`${backend.name}: ${badInputs.refused}/${badInputs.tried} bad inputs refused`);
  const faults = await runFaults(backend, { durationMs: faultSeconds * 1000, intervalMs: faultInterval * 1000, workers });
  if (faults) log(`${backend.name}: ${faults.survived}/${faults.injected} faults survived, lost ${faults.lost}`);
  return { name: backend.name, version: await versionOf(backend), throughput, faults, badInputs };
}

async function versionOf(backend: Backend): Promise<string | undefined> {
  switch (backend.name) {
    case "sqlite": {
      const db = new BetterSqlite3(":memory:");
      const { version } = db.prepare("SELECT sqlite_version() AS version").get() as { version: string };
      db.close();
      return `SQLite ${version}`;
    }
    case "redis": {
      const client = new Redis(backend.url!);
      const info = await client.info("server");
      await client.quit();
      return `Redis ${/redis_version:(\S+)/.exec(info)?.[1] ?? "?"}`;
    }
    case "postgres": {
      const client = new pg.Client({ connectionString: backend.url });
      await client.connect();
      const { rows } = await client.query<{ server_version: string }>("SHOW server_version");
      await client.end();
      return `PostgreSQL ${rows[0]?.server_version ?? "?"}`;
    }
    default:
      return "in-process";
  }
}

function machine(): string {
  const cpus = os.cpus();
  const gib = (os.totalmem() / 1024 ** 3).toFixed(0);
  return `${cpus.length} × ${cpus[0]?.model.trim() ?? "unknown CPU"}, ${gib} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
}

function log(message: string): void {
  console.error(`[reliability] ${message}`);
}
