import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const packagesDir = fileURLToPath(new URL("../../../packages/", import.meta.url));

interface Manifest {
  name: string;
  private?: boolean;
  exports: Record<string, string | { types: string; default: string }>;
}

const published = readdirSync(packagesDir)
  .map((folder) => ({ folder, manifest: JSON.parse(readFileSync(join(packagesDir, folder, "package.json"), "utf8")) as Manifest }))
  .filter(({ manifest }) => !manifest.private);

/** Runs a snippet of CommonJS inside the package's folder, so `require(name)` resolves the package itself. */
function requireFrom(folder: string, specifier: string): string[] {
  const script = `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(specifier)}))))`;
  const output = execFileSync(process.execPath, ["-e", script], { cwd: join(packagesDir, folder), encoding: "utf8" });
  return JSON.parse(output) as string[];
}

describe.each(published)("package $manifest.name", ({ folder, manifest }) => {
  it("is named after its folder", () => {
    expect(manifest.name).toBe(`@session-store/${folder}`);
  });

  it("exports types and ESM for its main entry", () => {
    expect(manifest.exports["."]).toMatchObject({ types: expect.stringMatching(/\.d\.ts$/), default: expect.stringMatching(/\.js$/) });
  });

  it("can be required from CommonJS on this Node", () => {
    expect(requireFrom(folder, manifest.name).length).toBeGreaterThan(0);
  });
});
