// The runtime matrix: every local backend's conformance suite and the bridge tests, run under the
// Node that runs this script and under Node 22, Node 24 and Bun unpacked from the npm registry into
// a cache. Prints a runtime × backend table of passed/failed/skipped; a part a runtime cannot run is
// one line with the reason. Exits 1 on any failure. SESSION_STORE_SQLITE_DRIVER tells the sqlite
// conformance test which driver to open (better-sqlite3 | node:sqlite | bun:sqlite).
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";

const root = join(import.meta.dirname, "..");
const cache = join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "session-store-runtimes");
const RUNTIMES = [
  { kind: "node", bin: process.execPath },
  { kind: "node", pkg: `node-linux-${process.arch}@22.23.5`, file: "bin/node" },
  { kind: "node", pkg: `node-linux-${process.arch}@24.22.3`, file: "bin/node" },
  { kind: "bun", pkg: `@oven/bun-linux-${process.arch === "arm64" ? "aarch64" : process.arch}@1.4.5`, file: "bin/bun" },
];
// The first driver that opens a database also carries the bridge tests; the others run the sqlite conformance alone.
const SQLITE_DRIVERS = { node: ["better-sqlite3", "node:sqlite"], bun: ["bun:sqlite", "better-sqlite3"] };
const OPEN_IN_MEMORY = {
  "better-sqlite3": 'new (require("better-sqlite3"))(":memory:").close()',
  "node:sqlite": 'new (require("node:sqlite").DatabaseSync)(":memory:").close()',
  "bun:sqlite": 'new (require("bun:sqlite").Database)(":memory:").close()',
};
const BACKENDS = ["memory", "sqlite", "postgres", "redis"];
const conformanceFile = (backend) => `packages/store-${backend}/test/conformance.test.ts`;
const BRIDGE_TESTS = "packages/express/test/";
const PROJECTS = [...BACKENDS.map((backend) => `store-${backend}`), "express"];
const sqliteDir = join(root, "packages/store-sqlite");
const driverHook = readFileSync(join(root, conformanceFile("sqlite")), "utf8").includes("SESSION_STORE_SQLITE_DRIVER");

const print = (line = "") => process.stdout.write(`${line}\n`);
const run = (bin, args, options) =>
  execFileSync(bin, args, { encoding: "utf8", maxBuffer: 64 << 20, stdio: "pipe", ...options }).trim();
/** The line of a tool's output that says what went wrong. */
const errorLine = (text) =>
  /^(npm error (?!code |A complete)|gyp ERR! |error\b|\w*Error\b).*$/im.exec(text)?.[0] ?? text.trim().split("\n").pop();
let failed = false;

/** Makes `dir` once with `fill(partial)` into a fresh folder renamed into place, so a broken run leaves no half cache. */
function cached(dir, fill) {
  if (existsSync(dir)) return dir;
  mkdirSync(cache, { recursive: true });
  const partial = mkdtempSync(`${dir}.partial-`);
  try {
    fill(partial);
    renameSync(partial, dir);
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  return dir;
}

/** Unpacks a registry package (npm pack runs no install scripts) and returns its folder. */
const unpack = (spec) =>
  cached(join(cache, spec.replace("/", "+")), (dir) => {
    const [{ filename }] = JSON.parse(run("npm", ["pack", spec, "--json", "--pack-destination", dir]));
    run("tar", ["xzf", join(dir, filename), "-C", dir, "--strip-components=1"]);
    rmSync(join(dir, filename));
  });

/**
 * A preload that makes better-sqlite3 load its addon compiled for this Node's ABI (node_modules holds
 * the one for the Node that installed it), built from the installed sources and the headers the
 * registry's Node build ships.
 */
function betterSqlite3For(node, abi) {
  const source = dirname(run(process.execPath, ["-p", 'require.resolve("better-sqlite3/package.json")'], { cwd: sqliteDir }));
  const { version } = JSON.parse(readFileSync(join(source, "package.json"), "utf8"));
  const dir = cached(join(cache, `better-sqlite3@${version}-abi${abi}`), (build) => {
    for (const entry of ["binding.gyp", "deps", "src"]) cpSync(join(source, entry), join(build, entry), { recursive: true });
    const nodeGyp = join(run("npm", ["root", "--global"]), "npm/node_modules/node-gyp/bin/node-gyp.js");
    run(node, [nodeGyp, "rebuild", "--release", `--nodedir=${dirname(dirname(node))}`, "--jobs=2"], { cwd: build });
  });
  const addon = JSON.stringify(join(dir, "build/Release/better_sqlite3.node"));
  writeFileSync(join(dir, "preload.cjs"), `const dlopen = process.dlopen;
process.dlopen = (module, file, ...rest) => dlopen(module, file.endsWith("better_sqlite3.node") ? ${addon} : file, ...rest);\n`);
  return join(dir, "preload.cjs");
}

/** The runtime's binary, name and the environment its tests need. */
function install(runtime) {
  const bin = runtime.pkg ? join(unpack(runtime.pkg), runtime.file) : runtime.bin;
  const env = { ...process.env };
  if (runtime.kind === "node") {
    env.PATH = `${dirname(bin)}:${env.PATH}`;
    const abi = run(bin, ["-p", "process.versions.modules"]);
    const preload = abi === process.versions.modules ? undefined : betterSqlite3For(bin, abi);
    if (preload) env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ""} --require ${JSON.stringify(preload)}`;
  }
  return { ...runtime, bin, env, name: `${runtime.kind} ${run(bin, ["--version"]).replace(/^v/, "")}` };
}

/** Why `driver` cannot run the sqlite tests under the runtime, or undefined when it can. */
function cannotOpen(runtime, driver) {
  const probe = spawnSync(runtime.bin, ["-e", OPEN_IN_MEMORY[driver]], { cwd: sqliteDir, env: runtime.env, encoding: "utf8" });
  if (probe.status !== 0) return errorLine(probe.stderr);
  if (driver !== "better-sqlite3" && !driverHook) return `${conformanceFile("sqlite")} does not read SESSION_STORE_SQLITE_DRIVER yet`;
}

/** Runs vitest under the runtime on `files` and adds its counts to rows keyed "backend part"; prints each failure. */
function vitest(runtime, driver, files, extra = []) {
  const rows = {};
  const out = join(mkdtempSync(join(tmpdir(), "session-store-runtimes-")), "report.json");
  // Files run side by side: the tests wait on timers and servers, not on the CPU.
  const args = [join(root, "node_modules/vitest/vitest.mjs"), "run", ...PROJECTS.map((p) => `--project=${p}`), ...files, ...extra];
  args.push("--reporter=json", `--outputFile=${out}`, "--maxWorkers=4");
  const env = { ...runtime.env, SESSION_STORE_SQLITE_DRIVER: driver ?? "" };
  const result = spawnSync(runtime.bin, runtime.kind === "bun" ? ["--bun", ...args] : args, { cwd: root, env, encoding: "utf8" });
  const report = existsSync(out) ? JSON.parse(readFileSync(out, "utf8")) : undefined;
  rmSync(dirname(out), { recursive: true, force: true });
  const add = (backend, part, status, why) => {
    const counts = (rows[`${backend} ${part}`] ??= { passed: 0, failed: 0, skipped: 0 });
    counts[status === "passed" || status === "failed" ? status : "skipped"] += 1;
    if (status === "failed") print(`  ✗ ${runtime.name}: ${why}`);
  };
  for (const file of report?.testResults ?? []) {
    const part = file.name.includes(BRIDGE_TESTS) ? "bridge" : "conformance";
    const fileBackend = /packages\/store-(\w+)\//.exec(file.name)?.[1];
    for (const test of file.assertionResults) {
      const backend = fileBackend ?? / on (\w+)$/.exec(test.ancestorTitles[0] ?? "")?.[1] ?? "none";
      add(backend, part, test.status, `${test.fullName}: ${errorLine(test.failureMessages[0] ?? "")}`);
    }
    if (file.status === "failed" && !file.assertionResults.some((test) => test.status === "failed")) {
      add(fileBackend ?? "none", part, "failed", `${file.name.replace(`${root}/`, "")}: ${errorLine(file.message ?? "")}`);
    }
  }
  const anyFailed = () => Object.values(rows).some((counts) => counts.failed > 0);
  if (!report || (result.status !== 0 && !anyFailed())) {
    add("none", "conformance", "failed", `vitest exited ${result.status ?? result.signal}: ${errorLine(result.stderr + result.stdout)}`);
  }
  failed ||= anyFailed();
  return rows;
}

const started = Date.now();
const installed = RUNTIMES.flatMap((runtime) => {
  try {
    return [install(runtime)];
  } catch (error) {
    failed = true;
    print(`${runtime.pkg}: could not be installed: ${errorLine(`${error.stderr ?? ""}\n${error.message}`)}`);
    return [];
  }
});
const installSeconds = Math.round((Date.now() - started) / 1000);
const cell = (counts) => (counts ? `${counts.passed}/${counts.failed}/${counts.skipped}` : "-");
const table = [["runtime", "backend", "conformance", "bridge"]];
for (const runtime of installed) {
  const drivers = SQLITE_DRIVERS[runtime.kind].map((driver) => ({ driver, cannot: cannotOpen(runtime, driver) }));
  const [main, ...others] = drivers.filter(({ cannot }) => !cannot).map(({ driver }) => driver);
  const files = BACKENDS.filter((backend) => backend !== "sqlite" || main).map(conformanceFile);
  // The bridge opens SQLite by path: better-sqlite3 on Node, bun:sqlite under Bun.
  const rows = vitest(runtime, main, [...files, BRIDGE_TESTS]);
  const found = Object.keys(rows).map((key) => key.split(" ")[0]).filter((backend) => backend !== "none");
  for (const backend of new Set([...BACKENDS, ...found, "none"])) {
    if ((backend === "sqlite" && !main) || !(rows[`${backend} conformance`] || rows[`${backend} bridge`])) continue;
    const label = { sqlite: `sqlite (${main})`, none: "(no backend)" }[backend] ?? backend;
    table.push([runtime.name, label, cell(rows[`${backend} conformance`]), cell(rows[`${backend} bridge`])]);
  }
  for (const driver of others) {
    const rows = vitest(runtime, driver, [conformanceFile("sqlite")]);
    table.push([runtime.name, `sqlite (${driver})`, cell(rows["sqlite conformance"]), "-"]);
  }
  for (const { driver, cannot } of drivers.filter(({ cannot }) => cannot)) {
    // better-sqlite3 is the driver the package ships for Node: not opening it there is a failure, not a limit.
    const shipped = runtime.kind === "node" && driver === "better-sqlite3";
    failed ||= shipped;
    table.push([runtime.name, `sqlite (${driver})`, `${shipped ? "FAILED" : "cannot run"}: ${cannot}`, ""]);
  }
}
const width = (column, rows) => Math.max(...rows.map((row) => row[column].length));
const widths = [width(0, table), width(1, table), width(2, table.filter((row) => /^[\d-]/.test(row[2]) || row === table[0]))];
print();
for (const row of table) print(row.map((text, column) => (column < 3 ? text.padEnd(widths[column]) : text)).join("  ").trimEnd());
print(`(passed/failed/skipped; install ${installSeconds} s, total ${Math.round((Date.now() - started) / 1000)} s)`);
process.exit(failed ? 1 : 0);
