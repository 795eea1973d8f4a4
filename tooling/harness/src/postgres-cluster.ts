import { execFile, execFileSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import type { OwnProcess } from "./own-process.js";
import { freePort, isRunning, ownProcess } from "./own-process.js";
import { uniqueName, waitFor } from "./test-helpers.js";

export interface OwnPostgres extends OwnProcess {
  readonly url: string;
  /** The cluster's name for pg_lsclusters / pg_ctlcluster. */
  readonly cluster: string;
}

const VERSION = "15";
const run = promisify(execFile);

/**
 * A PostgreSQL cluster of our own (`pg_createcluster 15 <unique> -p <free port>`),
 * trust auth, listening on loopback only, started with pg_ctlcluster (which waits
 * until it accepts connections). stop() drops it; so does this process exiting first.
 * The OwnProcess signals go to the postmaster.
 */
export async function startPostgresCluster(options: { encoding?: string; settings?: Record<string, string> } = {}): Promise<OwnPostgres> {
  const port = await freePort();
  const cluster = uniqueName("ss_test");
  const settings = Object.entries({ listen_addresses: "127.0.0.1", ...options.settings });
  // Into the cluster's conf.d, quoted here: pg_createcluster -o would leave 127.0.0.1 unquoted, a syntax error.
  const conf = settings.map(([name, value]) => `${name} = '${value.replaceAll("'", "''")}'\n`).join("");
  // Locale C goes with any encoding (LATIN1 included); without -e the encoding would be SQL_ASCII.
  const create = ["-p", String(port), "-e", options.encoding ?? "UTF8", "--locale", "C", "--start-conf", "manual"];
  let dropped = false;
  const dropOnExit = () => execFileSync("pg_dropcluster", ["--stop", VERSION, cluster], { stdio: "ignore" });
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    process.off("exit", dropOnExit);
    await run("pg_dropcluster", ["--stop", VERSION, cluster]);
  };
  process.once("exit", dropOnExit);
  try {
    await run("pg_createcluster", [VERSION, cluster, ...create, "--", "--auth=trust", "--no-sync"]);
    await writeFile(`/etc/postgresql/${VERSION}/${cluster}/conf.d/harness.conf`, conf);
    await run("pg_ctlcluster", [VERSION, cluster, "start"]);
    const [, , , , , dataDir] = (await run("pg_lsclusters", ["-h", VERSION, cluster])).stdout.trim().split(/\s+/);
    const pid = Number((await readFile(`${dataDir}/postmaster.pid`, "utf8")).split("\n")[0]);
    const exited = () => waitFor(`postmaster ${pid} to exit`, () => !isRunning(pid), 30_000);
    const postmaster = ownProcess(pid, port, () => isRunning(pid), exited);
    const stop = async () => {
      postmaster.resume();
      await drop();
      await exited();
    };
    return { ...postmaster, stop, url: `postgres://postgres@127.0.0.1:${port}/postgres`, cluster };
  } catch (error) {
    await drop().catch(() => undefined);
    throw error;
  }
}
