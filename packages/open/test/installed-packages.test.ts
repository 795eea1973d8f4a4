import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));
const packagesDir = dirname(packageDir);
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const SECRET = "s3cret-Pa55word";

// An app folder laid out as npm installs it: @session-store/open and core, plus
// only the adapters the app chose (here memory), and nothing else above it.
let appDir: string;

beforeAll(async () => {
  appDir = mkdtempSync(join(tmpdir(), "open-store-app-"));
  const scope = join(appDir, "node_modules", "@session-store");
  mkdirSync(join(scope, "open"), { recursive: true });
  cpSync(join(packageDir, "package.json"), join(scope, "open", "package.json"));
  await run(process.execPath, [tsc, "-p", join(packageDir, "tsconfig.build.json"), "--outDir", join(scope, "open", "dist")]);
  symlinkSync(join(packagesDir, "core"), join(scope, "core"), "dir");
  symlinkSync(join(packagesDir, "store-memory"), join(scope, "store-memory"), "dir");
}, 60_000);

afterAll(() => rmSync(appDir, { recursive: true, force: true }));

/** Runs openStore(url) in a plain Node process inside the app folder. */
async function openInApp(url: string): Promise<{ opened?: string; message?: string; shown?: string }> {
  const script = `
    import { inspect } from "node:util";
    import { openStore } from "@session-store/open";
    try {
      const store = await openStore(process.argv[1]);
      console.log(JSON.stringify({ opened: store.constructor.name }));
      await store.close?.();
    } catch (error) {
      console.log(JSON.stringify({ message: error.message, shown: inspect(error, { depth: 10 }) }));
    }`;
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script, url], { cwd: appDir, timeout: 20_000 });
  return JSON.parse(stdout) as { opened?: string; message?: string; shown?: string };
}

describe("openStore in an app that installed only some adapters", () => {
  it("opens an adapter the app installed", async () => {
    expect(await openInApp("memory:")).toEqual({ opened: "MemoryStore" });
  });

  it("names the exact install command for one it did not, without the credentials", async () => {
    const result = await openInApp(`redis://:${SECRET}@127.0.0.1:6379`);
    expect(result.message).toBe(
      "openStore: redis URLs need @session-store/store-redis, which is not installed. Run: npm install @session-store/store-redis",
    );
    expect(result.shown).toContain("ERR_MODULE_NOT_FOUND");
    expect(result.shown).not.toContain(SECRET);
  });
});
