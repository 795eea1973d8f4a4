import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { run } from "./run.js";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  packageManager?: string;
  exports?: Record<string, unknown>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

export const readManifest = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest;

export interface PublicPackage {
  name: string;
  dir: string;
  /** Every import specifier it exports: `@session-store/core`, `@session-store/core/adapter`, … */
  entryPoints: string[];
}

/** The packages under packages/ that are published (not private). */
export function publicPackages(): PublicPackage[] {
  const packagesDir = join(repoRoot, "packages");
  return readdirSync(packagesDir)
    .map((folder) => join(packagesDir, folder))
    .map((dir) => ({ dir, manifest: readManifest(dir) }))
    .filter(({ manifest }) => !manifest.private)
    .map(({ dir, manifest }) => ({
      name: manifest.name,
      dir,
      entryPoints: Object.keys(manifest.exports ?? { ".": "" })
        .filter((subpath) => subpath !== "./package.json")
        .map((subpath) => (subpath === "." ? manifest.name : `${manifest.name}/${subpath.slice(2)}`)),
    }));
}

/** The range the workspace itself uses for a third-party package (the frameworks, TypeScript). */
export function workspaceRange(name: string): string {
  const manifests = [readManifest(repoRoot), ...publicPackages().map(({ dir }) => readManifest(dir))];
  for (const manifest of manifests) {
    const range = manifest.devDependencies?.[name] ?? manifest.dependencies?.[name];
    if (range !== undefined) return range;
  }
  throw new Error(`no package of the workspace depends on ${name}`);
}

/** The pnpm this repository pins (`packageManager`), so a project outside it installs with the same one. */
export const pinnedPackageManager = (): string => readManifest(repoRoot).packageManager ?? "pnpm@10";

export interface Tarball {
  path: string;
  /** The paths inside it, relative to the package: `LICENSE`, `dist/index.js`, … */
  files: string[];
}

/** `pnpm pack`s every public package into `destination`: package name → its tarball. */
export async function packAll(destination: string): Promise<Map<string, Tarball>> {
  const packed = await Promise.all(
    publicPackages().map(async ({ name, dir }) => {
      const output = await run("pnpm", ["pack", "--json", "--pack-destination", destination], dir);
      const { filename, files } = JSON.parse(output) as { filename: string; files: { path: string }[] };
      return [name, { path: filename, files: files.map(({ path }) => path) }] as const;
    }),
  );
  return new Map(packed);
}
