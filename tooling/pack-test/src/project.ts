import { mkdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { run } from "./run.js";
import { pinnedPackageManager, workspaceRange } from "./workspace.js";

export type PackageManager = "npm" | "pnpm";

/** What a user installs beside our packages: every framework of the README, and TypeScript. */
export const THIRD_PARTY = [
  "express",
  "express-session",
  "fastify",
  "@fastify/cookie",
  "@fastify/session",
  "koa",
  "koa-session",
  "hono",
  "hono-sessions",
  "@hono/node-server",
  "typescript",
  "@types/node",
];

// Kept between runs, so a rerun downloads nothing it already has.
const npmCache = join(homedir(), ".cache", "session-store-pack-test", "npm");

/**
 * A fresh project in `dir` (outside the workspace) with every tarball and the
 * third-party packages installed by `manager`.
 *
 * npm runs without install scripts: better-sqlite3 has no prebuilt binary to download
 * here and would compile from source on every run (npm keeps no build cache); pnpm
 * keeps that build in its store, so the pnpm project is the one with a working SQLite.
 * pnpm resolves a dependency's range only from the registry, where none of ours is
 * published yet, so its overrides point our names at the tarballs; `hoist=false` lets a
 * package see only what it declares, so a missing dependency of ours fails here.
 */
export async function createProject(dir: string, manager: PackageManager, tarballs: Map<string, string>): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const ours = Object.fromEntries([...tarballs].map(([name, path]) => [name, `file:${path}`]));
  const theirs = Object.fromEntries(THIRD_PARTY.map((name) => [name, workspaceRange(name)]));
  const manifest = { name: `${manager}-app`, private: true, dependencies: { ...ours, ...theirs } };
  if (manager === "npm") {
    writeFileSync(join(dir, "package.json"), JSON.stringify(manifest, null, 2));
    await run("npm", ["install", "--ignore-scripts", "--prefer-offline", "--no-audit", "--no-fund", "--cache", npmCache], dir);
  } else {
    const pnpm = { overrides: ours, onlyBuiltDependencies: ["better-sqlite3"] };
    writeFileSync(join(dir, "package.json"), JSON.stringify({ ...manifest, packageManager: pinnedPackageManager(), pnpm }, null, 2));
    writeFileSync(join(dir, ".npmrc"), "hoist=false\n");
    await run("pnpm", ["install", "--prefer-offline"], dir);
  }
}
