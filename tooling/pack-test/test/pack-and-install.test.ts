import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CookieClient, startApp, views } from "../src/app.js";
import type { PackageManager } from "../src/project.js";
import { createProject } from "../src/project.js";
import { readmeSnippets } from "../src/readme-snippets.js";
import { run } from "../src/run.js";
import type { Tarball } from "../src/workspace.js";
import { packAll, publicPackages, repoRoot } from "../src/workspace.js";

const MANAGERS: PackageManager[] = ["npm", "pnpm"];
const SECRET = "a pack-test secret of at least thirty-two characters";
const packages = publicPackages();
const entryPoints = packages.flatMap(({ entryPoints }) => entryPoints);
const snippets = readmeSnippets();

// Outside the workspace, so nothing resolves through its node_modules or pnpm-workspace.yaml.
const work = mkdtempSync(join(tmpdir(), "session-store-pack-test-"));
const projectDir = (manager: PackageManager) => join(work, manager);
let tarballs = new Map<string, Tarball>();

beforeAll(async () => {
  mkdirSync(join(work, "tarballs"));
  tarballs = await packAll(join(work, "tarballs"));
  const paths = new Map([...tarballs].map(([name, { path }]) => [name, path]));
  await Promise.all(MANAGERS.map((manager) => createProject(projectDir(manager), manager, paths)));
}, 600_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

const packedManifest = (name: string) =>
  JSON.parse(execFileSync("tar", ["-xzOf", tarballs.get(name)?.path ?? "", "package/package.json"], { encoding: "utf8" })) as {
    version: string;
    license: string;
    publishConfig?: { access?: string };
    dependencies?: Record<string, string>;
  };

describe.each(packages)("the tarball of $name", ({ name, dir }) => {
  it("holds LICENSE (the repository's), README.md, package.json and dist", () => {
    const files = tarballs.get(name)?.files ?? [];
    expect(files).toEqual(expect.arrayContaining(["LICENSE", "README.md", "package.json", "dist/index.js", "dist/index.d.ts"]));
    expect(readFileSync(join(dir, "LICENSE"), "utf8")).toBe(readFileSync(join(repoRoot, "LICENSE"), "utf8"));
    expect(files.filter((file) => /^test\/|\.tsbuildinfo$/.test(file))).toEqual([]);
  });

  it("is public and MIT, and names each of our packages it depends on by the packed version's caret range", () => {
    const manifest = packedManifest(name);
    expect(manifest).toMatchObject({ license: "MIT", publishConfig: { access: "public" } });
    const ours = Object.entries(manifest.dependencies ?? {}).filter(([dependency]) => dependency.startsWith("@session-store/"));
    for (const [dependency, range] of ours) expect(range).toBe(`^${packedManifest(dependency).version}`);
  });
});

describe.each(MANAGERS)("installed by %s into a fresh project", (manager) => {
  const cwd = () => projectDir(manager);

  it("resolves every package of ours to its tarball, none to the registry", () => {
    const ours =
      manager === "npm"
        ? Object.entries(JSON.parse(readFileSync(join(cwd(), "package-lock.json"), "utf8")).packages as Record<string, { resolved?: string }>)
            .filter(([path]) => path.includes("node_modules/@session-store/"))
            .map(([path, { resolved }]) => [path, resolved ?? ""])
        : readdirSync(join(cwd(), "node_modules", ".pnpm"))
            .filter((folder) => folder.startsWith("@session-store+"))
            .map((folder) => [folder, folder]);
    expect(ours.length).toBe(packages.length);
    for (const [, source] of ours) expect(source).toMatch(/^file:|@file\+/);
  });

  it("imports every entry point as ESM", async () => {
    const script = `for (const name of ${JSON.stringify(entryPoints)}) console.log(Object.keys(await import(name)).length);`;
    const counts = (await run(process.execPath, ["--input-type=module", "--eval", script], cwd())).trim().split("\n").map(Number);
    expect(counts).toHaveLength(entryPoints.length);
    for (const count of counts) expect(count).toBeGreaterThan(0);
  });

  it("requires every entry point from CommonJS", async () => {
    const script = `for (const name of ${JSON.stringify(entryPoints)}) console.log(Object.keys(require(name)).length);`;
    const counts = (await run(process.execPath, ["--input-type=commonjs", "--eval", script], cwd())).trim().split("\n").map(Number);
    expect(counts).toHaveLength(entryPoints.length);
    for (const count of counts) expect(count).toBeGreaterThan(0);
  });

  it.each([
    { module: "nodenext", moduleResolution: "nodenext", file: "app.mts" },
    { module: "nodenext", moduleResolution: "nodenext", file: "app.cts" },
    { module: "preserve", moduleResolution: "bundler", file: "app.ts" },
  ])("typechecks $file with moduleResolution $moduleResolution and skipLibCheck false", async ({ file, ...resolution }) => {
    const dir = join(cwd(), `ts-${file}`);
    mkdirSync(dir, { recursive: true });
    // "dom": hono's and hono-sessions' own types name Web Crypto types that @types/node 20 does not declare.
    const lib = ["es2023", "dom"];
    const compilerOptions = { ...resolution, target: "es2022", lib, types: ["node"], strict: true, skipLibCheck: false, noEmit: true };
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, files: [file] }));
    const imports = entryPoints.map((name, index) => `import type * as entry${index} from "${name}";`);
    const app = [
      ...imports,
      `import { MemoryStore } from "@session-store/store-memory";`,
      `import { ExpressSessionStore } from "@session-store/express";`,
      `export const bridge = new ExpressSessionStore(new MemoryStore());`,
      `export type Entries = [${entryPoints.map((_, index) => `typeof entry${index}`).join(", ")}];`,
    ];
    writeFileSync(join(dir, file), `${app.join("\n")}\n`);
    await run(process.execPath, [join(cwd(), "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], dir);
  }, 120_000);

  it("has the root README's Express, Fastify, Koa and Hono snippets", () => {
    expect([...snippets.keys()].sort()).toEqual(["express", "fastify", "hono", "koa"]);
  });

  // The pnpm project has a built better-sqlite3, so its apps use the snippets' default (SQLite).
  const storeUrl: Record<string, string> = manager === "npm" ? { SESSION_STORE_URL: "memory:" } : {};

  it.each([...snippets.keys()])("runs the README's %s snippet as written: a session lives in its cookie", async (name) => {
    const app = await startApp(cwd(), `readme-${name}`, snippets.get(name) ?? "", { SESSION_SECRET: SECRET, ...storeUrl });
    try {
      expect(views(app.firstBody)).toBe(1);
      expect(views(await app.client.get("/"))).toBe(2);
      expect(views(await app.client.get("/"))).toBe(3);
      expect(views(await new CookieClient(app.client.origin).get("/"))).toBe(1);
    } finally {
      await app.stop();
    }
  }, 60_000);
});
