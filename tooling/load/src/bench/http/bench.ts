/**
 * `pnpm bench http`: what a user feels, the request. Per backend, an Express app with
 * express-session and a Fastify app with @fastify/session, each once over our bridge and
 * once over the peer store, each app in a load process of its own on an ephemeral port,
 * loaded by autocannon from another load process (cannon.ts). The app process's CPU time
 * over the measured window gives the CPU per request.
 */
import type { BackendName } from "@session-store/harness";
import { harness } from "@session-store/harness";
import { Child } from "../../children.js";
import { count, loadAverage, machine, table } from "../../markdown.js";
import type { Chart } from "../chart.js";
import { message } from "../contend.js";
import { formatMicros } from "../table.js";
import type { BenchContext } from "../types.js";
import type { Framework } from "./apps.js";
import type { CannonResult } from "./cannon.js";
import type { StoreRole } from "./stores.js";
import { peerName } from "./stores.js";

export const HTTP_BACKENDS: readonly BackendName[] = ["memory", "sqlite", "postgres", "redis", "mongo"];
const FRAMEWORKS: readonly Framework[] = ["express", "fastify"];
const FRAMEWORK_NAMES: Record<Framework, string> = { express: "Express + express-session", fastify: "Fastify + @fastify/session" };
const CONNECTIONS = 16;
/** Ours must serve this many times the peer stack's requests per second, with a lower p99. */
const MIN_RATIO = 1.2;

type Measured = CannonResult & { readonly cpuUsPerRequest: number };
export type HttpRow = { readonly backend: BackendName; readonly framework: Framework; readonly peer: string; readonly ours: Measured; readonly theirs: Measured };

const positive = (value: string | undefined) => (value && Number(value) > 0 ? Number(value) : undefined);

/** Seconds of warm-up (not counted) and of measurement per app: BENCH_HTTP_WARMUP_S, BENCH_HTTP_SECONDS; 1 and 1 with --quick. */
export function httpDurations(quick: boolean): { warmupS: number; seconds: number } {
  return { warmupS: positive(process.env.BENCH_HTTP_WARMUP_S) ?? (quick ? 1 : 4), seconds: positive(process.env.BENCH_HTTP_SECONDS) ?? (quick ? 1 : 10) };
}

/** One framework on one backend: both apps up side by side, each warmed, then each measured. */
async function measurePair(backend: BackendName, framework: Framework, cannon: Child, context: BenchContext, order: readonly StoreRole[]): Promise<HttpRow> {
  const { warmupS, seconds } = httpDurations(context.quick);
  const apps = new Map<StoreRole, Child>();
  const ports = new Map<StoreRole, number>();
  try {
    for (const store of order) {
      apps.set(store, await Child.start());
      ports.set(store, await apps.get(store)!.serve({ backend, framework, store }));
    }
    for (const store of order) await cannon.run({ cannon: { port: ports.get(store)!, connections: CONNECTIONS, seconds: warmupS } });
    const measured = new Map<StoreRole, Measured>();
    for (const store of order) {
      const [child, port] = [apps.get(store)!, ports.get(store)!];
      const before = await child.cpu();
      const result = await cannon.run<CannonResult>({ cannon: { port, connections: CONNECTIONS, seconds } });
      const after = await child.cpu();
      const cpuUs = after.user - before.user + after.system - before.system;
      measured.set(store, { ...result, cpuUsPerRequest: cpuUs / Math.max(1, result.requests) });
      context.log(`  ${backend}, ${framework}, ${store}: ${count(result.requestsPerSec)} req/s, p99 ${result.p99Ms} ms`);
    }
    return { backend, framework, peer: peerName(backend), ours: measured.get("ours")!, theirs: measured.get("peer")! };
  } finally {
    await Promise.all([...apps.values()].map((child) => child.exit()));
  }
}

export const meetsTarget = (row: HttpRow): boolean => row.ours.requestsPerSec >= MIN_RATIO * row.theirs.requestsPerSec && row.ours.p99Ms < row.theirs.p99Ms;

/** The HTTP table: one row per backend and app, ours beside the peer stack. */
export function formatHttpTable(rows: readonly HttpRow[]): string {
  const pair = (ours: string | number, theirs: string | number) => `${ours} / ${theirs}`;
  return table(
    ["backend", "app", "peer store", "req/s ours / peer:", "ratio:", "p50 ms ours / peer:", "p99 ms ours / peer:", "app CPU/req ours / peer:", `target >=${MIN_RATIO}x req/s, lower p99`],
    rows.map((row) => [
      row.backend,
      FRAMEWORK_NAMES[row.framework],
      row.peer,
      pair(count(row.ours.requestsPerSec), count(row.theirs.requestsPerSec)),
      `${(row.ours.requestsPerSec / row.theirs.requestsPerSec).toFixed(2)}x`,
      pair(row.ours.p50Ms, row.theirs.p50Ms),
      pair(row.ours.p99Ms, row.theirs.p99Ms),
      pair(formatMicros(row.ours.cpuUsPerRequest), formatMicros(row.theirs.cpuUsPerRequest)),
      meetsTarget(row) ? "met" : "**missed**",
    ]),
  );
}

export function httpChart(rows: readonly HttpRow[]): Chart {
  return {
    title: "HTTP: req/s relative to the same app on the peer store",
    series: [
      { name: "session-store (@session-store/express over our store)", role: "ours" },
      { name: "the peer store of that backend (memorystore, better-sqlite3-session-store, connect-pg-simple, connect-redis, connect-mongo)", role: "peer" },
    ],
    groups: rows.map((row) => ({ label: `${row.backend}, ${row.framework}`, values: [row.ours.requestsPerSec / row.theirs.requestsPerSec, 1] })),
  };
}

/** Runs every backend the harness has; resolves the section's markdown and its rows. */
export async function measureHttp(context: BenchContext, command: string): Promise<{ text: string; rows: HttpRow[] }> {
  const { warmupS, seconds } = httpDurations(context.quick);
  const loadBefore = loadAverage();
  const started = Date.now();
  const rows: HttpRow[] = [];
  const skipped: string[] = [];
  const cannon = await Child.start();
  try {
    // BENCH_HTTP_BACKENDS=memory,redis: only these (a smoke run).
    const only = process.env.BENCH_HTTP_BACKENDS?.split(",");
    for (const backend of HTTP_BACKENDS.filter((name) => !only || only.includes(name))) {
      const probe = await harness(backend);
      await probe.cleanup();
      if (probe.skip) {
        skipped.push(`- ${backend}: skipped, ${probe.skip.replace(`${backend}: skipped, `, "")}.`);
        continue;
      }
      context.log(`  http: ${backend}`);
      for (const [i, framework] of FRAMEWORKS.entries()) {
        // Who goes first alternates, so a drift of the machine does not always favour one.
        const order: StoreRole[] = i % 2 === 0 ? ["ours", "peer"] : ["peer", "ours"];
        await measurePair(backend, framework, cannon, context, order).then(
          (row) => rows.push(row),
          (error: unknown) => skipped.push(`- ${backend}, ${framework}: failed, ${message(error)}.`),
        );
      }
    }
  } finally {
    await cannon.exit();
  }
  const failures = rows.flatMap((row) =>
    (["ours", "theirs"] as const)
      .filter((side) => row[side].failures > 0)
      .map((side) => `- ${row.backend}, ${row.framework}, ${side === "ours" ? "ours" : row.peer}: ${count(row[side].failures)} of ${count(row[side].requests)} responses failed (non-2xx, socket errors or timeouts).`),
  );
  const text = [
    "## HTTP: the request a user feels",
    "",
    `Run ${new Date().toISOString()} with \`${command}\` (${((Date.now() - started) / 1000).toFixed(0)} s for this section).`,
    `Machine: ${machine()}; load average ${loadBefore} before, ${loadAverage()} after.`,
    "",
    `Each app (Express 5 with express-session, Fastify 5 with @fastify/session; \`rolling: true\`, \`saveUninitialized: false\`)`,
    `runs in a process of its own on an ephemeral port, once over \`@session-store/express\` on our store and once over`,
    `the peer store a user would pick on that backend; autocannon runs as a library in another process, ${CONNECTIONS} connections,`,
    `${warmupS} s of warm-up not counted, then ${seconds} s measured per app. Each connection repeats a signed-in user's cycle:`,
    "sign in (`regenerate` + set the user), 14 reads of `GET /` (a rolling touch each), 4 writes to `POST /cart`, sign out",
    "(`destroy`): 5% sign-in, 70% reads, 20% writes, 5% sign-out. A read or write that finds no signed-in session gets",
    "401 and counts as a failure. App CPU/req is the app process's CPU time (user + system) over the measured window per",
    "request. The two apps of a row take turns, who goes first alternating by framework.",
    "",
    rows.length > 0 ? formatHttpTable(rows) : "No rows: every backend was skipped.",
    "",
    ...(rows.length > 0 ? ["![HTTP: req/s of our stack relative to the peer stack](tooling/load/charts/http.svg)", ""] : []),
    ...failures,
    ...skipped,
  ];
  return { text: text.join("\n").trimEnd(), rows };
}
