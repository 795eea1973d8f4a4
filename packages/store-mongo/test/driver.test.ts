import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadMongoDriver, MISSING_DRIVER_MESSAGE } from "../src/driver.js";
import type { InstalledApp } from "./installed-app.js";
import { installedApp } from "./installed-app.js";

describe("issue 16: a missing mongodb driver names the install command in the message", () => {
  let app: InstalledApp;
  beforeAll(async () => {
    app = await installedApp({ driver: false });
  }, 60_000);
  afterAll(() => app.remove());

  const construct = `
    const { MongoStore, mongoIndexCommand } = await import("@session-store/store-mongo");
    const exported = typeof mongoIndexCommand();
    try {
      new MongoStore({ url: process.argv[1] });
      console.log(JSON.stringify({ exported, built: true }));
    } catch (error) {
      console.log(JSON.stringify({ exported, name: error.name, message: error.message, cause: error.cause?.code }));
    }`;

  it("in an app without mongodb: the package imports, and building a store throws the install command", async () => {
    const { stdout } = await app.run(construct, { args: ["mongodb://admin:hunter2@127.0.0.1:1/test"] });
    expect(JSON.parse(stdout)).toEqual({ exported: "string", name: "Error", message: MISSING_DRIVER_MESSAGE, cause: "MODULE_NOT_FOUND" });
    expect(MISSING_DRIVER_MESSAGE).toContain("npm install mongodb");
    expect(stdout).not.toContain("hunter2");
  });

  it("the same from CommonJS (require of the package: no top-level await)", async () => {
    const script = `
      const { MongoStore } = require("@session-store/store-mongo");
      try { new MongoStore({ url: "mongodb://127.0.0.1:1/test" }); } catch (error) { console.log(error.message); }`;
    const { stdout } = await app.run(script, { type: "commonjs" });
    expect(stdout.trim()).toBe(MISSING_DRIVER_MESSAGE);
  });
});

// (Where no mongodb is found at all is shown in the app folders above: this test process
// inherits NODE_PATH, which would find the workspace's.)
describe("loadMongoDriver", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "store-mongo-driver-"));
    // A mongodb that is installed but whose own dependency is not.
    mkdirSync(join(dir, "broken", "node_modules", "mongodb"), { recursive: true });
    writeFileSync(join(dir, "broken", "node_modules", "mongodb", "index.js"), 'require("bson-that-is-not-there");');
    writeFileSync(join(dir, "broken", "node_modules", "mongodb", "package.json"), '{"name":"mongodb","main":"index.js"}');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("a mongodb that fails to load for another reason is not called missing", () => {
    const error = catching(() => loadMongoDriver(createRequire(join(dir, "broken", "app.js"))));
    expect(error.message).toContain("bson-that-is-not-there");
    expect(error.message).not.toContain("npm install");
  });

  it("where mongodb is installed, loads it", () => {
    expect(typeof loadMongoDriver(createRequire(import.meta.url)).MongoClient).toBe("function");
  });
});

function catching(work: () => unknown): Error {
  try {
    work();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected it to throw");
}
