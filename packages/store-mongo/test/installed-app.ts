import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");

/** A folder laid out as npm installs an app: this package (compiled from src now) and core, `mongodb` only if asked. */
/** The environment without NODE_PATH, which pnpm's launchers point at the workspace's hoisted packages (mongodb among them). */
const APP_ENV = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== "NODE_PATH"));

export interface InstalledApp {
  /** Runs an ES module script in a plain Node process in the app folder; rejects if it does not exit by itself within `timeoutMs`. */
  run(script: string, options?: { args?: string[]; timeoutMs?: number; type?: "module" | "commonjs" }): Promise<{ stdout: string; stderr: string }>;
  remove(): void;
}

export async function installedApp(options: { driver: boolean }): Promise<InstalledApp> {
  const dir = mkdtempSync(join(tmpdir(), "store-mongo-app-"));
  const scope = join(dir, "node_modules", "@session-store");
  mkdirSync(join(scope, "store-mongo"), { recursive: true });
  cpSync(join(packageDir, "package.json"), join(scope, "store-mongo", "package.json"));
  await run(process.execPath, [tsc, "-p", join(packageDir, "tsconfig.build.json"), "--outDir", join(scope, "store-mongo", "dist")]);
  symlinkSync(realpathSync(join(packageDir, "node_modules", "@session-store", "core")), join(scope, "core"), "dir");
  if (options.driver) symlinkSync(realpathSync(join(packageDir, "node_modules", "mongodb")), join(dir, "node_modules", "mongodb"), "dir");
  return {
    run: (script, { args = [], timeoutMs = 20_000, type = "module" } = {}) =>
      run(process.execPath, [`--input-type=${type}`, "-e", script, ...args], { cwd: dir, timeout: timeoutMs, env: APP_ENV }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
