/**
 * `pnpm reliability`: per backend, the operations per second held for a sustained run, the
 * bad inputs refused, the faults survived and the acknowledged writes lost, written to
 * RELIABILITY.md at the repo root. Exits non-zero if any figure that must hold does not.
 *
 *   pnpm reliability [--duration 60] [--fault-duration 20] [--fault-interval 4] [--workers 2]
 *                    [--backends memory,sqlite,redis,postgres] [--out RELIABILITY.md]
 */
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import type { Backend, BackendName } from "@session-store/harness";
import { harness } from "@session-store/harness";
import { openStore } from "@session-store/open";
import { machine, rootFile } from "./markdown.js";
import { tryBadInputs } from "./reliability/bad-inputs.js";
import { FAULTS } from "./reliability/faults.js";
import { bounded, mongoUnreachable } from "./reliability/mongo-unreachable.js";
import { passed, renderReport, renderUnreachable } from "./reliability/report.js";
import type { BackendFigures } from "./reliability/report.js";
import { sustain } from "./reliability/sustain.js";
import { backendVersion } from "./versions.js";

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "60" },
    "fault-duration": { type: "string", default: "20" },
    "fault-interval": { type: "string", default: "4" },
    workers: { type: "string", default: "2" },
    backends: { type: "string", default: "memory,sqlite,redis,postgres" },
    out: { type: "string", default: rootFile("RELIABILITY.md") },
  },
});
const seconds = (name: keyof typeof values) => {
  const value = Number(values[name]);
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`--${name} must be a number of seconds > 0`);
  return value;
};
const [durationSeconds, faultSeconds, faultInterval] = [seconds("duration"), seconds("fault-duration"), seconds("fault-interval")];
const workers = Math.max(1, Math.floor(Number(values.workers)));
const log = (line: string) => console.error(`[reliability] ${line}`);

async function measure(backend: Backend): Promise<BackendFigures> {
  if (backend.skip) return { name: backend.name, skipped: backend.skip };
  const inProcess = backend.name === "memory";
  log(`${backend.name}: ${durationSeconds} s of sustained load`);
  const throughput = await sustain({ url: backend.storeUrl(), inProcess, workers, durationMs: durationSeconds * 1000 });
  log(`${backend.name}: ${throughput.meanPerSecond} ops/s, lowest second ${throughput.lowestSecond}, lost ${throughput.lost}`);
  const store = await openStore(backend.storeUrl());
  const badInputs = await tryBadInputs(store, 2_000).finally(() => store.close?.());
  log(`${backend.name}: ${badInputs.refused}/${badInputs.tried} bad inputs refused`);
  const scenario = FAULTS[backend.name];
  let faults: BackendFigures["faults"];
  if (scenario) {
    const fault = await scenario.prepare(backend, backend.newNamespace());
    try {
      const figures = await sustain({ url: fault.url, workers, durationMs: faultSeconds * 1000, fault: { intervalMs: faultInterval * 1000, ...fault } });
      faults = { ...figures, kind: scenario.kind, notes: [...figures.notes, ...fault.notes()] };
      log(`${backend.name}: ${faults.survived}/${faults.injected} faults survived, lost ${faults.lost}`);
    } finally {
      await fault.stop();
    }
  }
  return { name: backend.name, version: await backendVersion(backend), throughput, faults, badInputs };
}

const figures: BackendFigures[] = [];
for (const name of values.backends.split(",").map((entry) => entry.trim() as BackendName)) {
  const backend = await harness(name);
  try {
    figures.push(await measure(backend));
  } finally {
    await backend.cleanup();
  }
}
// No MongoDB server runs here: what can be shown without one is that every call is bounded.
log("mongo: bounded calls against a closed port and a black hole");
const unreachable = await mongoUnreachable();
const report = [
  renderReport(
    { command: `pnpm reliability ${process.argv.slice(2).join(" ")}`.trim(), machine: machine(), workers, durationSeconds, faultSeconds },
    figures,
  ),
  renderUnreachable(unreachable),
].join("\n");
const out = resolve(values.out);
await writeFile(out, report);
console.log(`${report}\nwritten to ${out}`);
process.exitCode = passed(figures) && unreachable.every(bounded) ? 0 : 1;
