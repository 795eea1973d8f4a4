import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

/** Vitest global setup: the tests run the demo as `pnpm start` does, compiled to dist, built once for every file. */
export default async function buildDemo(): Promise<void> {
  const demoDir = fileURLToPath(new URL("..", import.meta.url));
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  await promisify(execFile)(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: demoDir });
}
