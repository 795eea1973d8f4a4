import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, expect, it } from "vitest";
import { backends } from "./backends.js";

// The script behind `pnpm reliability`, run for seconds instead of minutes.
const run = promisify(execFile);
const available = backends.filter((backend) => !backend.skip).map((backend) => backend.name);
const dir = mkdtempSync(join(tmpdir(), "session-store-reliability-report-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it(`writes RELIABILITY.md with passing figures for ${available.join(", ")}`, async () => {
  const out = join(dir, "RELIABILITY.md");
  const args = ["--duration", "1", "--fault-duration", "4", "--fault-interval", "1", "--backends", available.join(","), "--out", out];
  await run(process.execPath, ["--import", "tsx", "src/reliability.ts", ...args], { cwd: join(import.meta.dirname, "..") });
  const report = readFileSync(out, "utf8");
  expect(report).toContain("pnpm reliability --duration 1");
  expect(report).toContain("**pass**");
  for (const name of available) expect(report).toMatch(new RegExp(`^\\| ${name} \\| .* \\| \\*\\*0\\*\\* \\|$`, "m"));
  if (available.includes("redis")) expect(report).toMatch(/\| redis \| redis-server SIGKILL \+ restart .*\| (\d+) \| \1 \|/);
  if (available.includes("postgres")) expect(report).toMatch(/\| postgres \| pg_terminate_backend .*\| (\d+) \| \1 \|/);
}, 120_000);
