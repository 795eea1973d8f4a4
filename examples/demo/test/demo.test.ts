import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { harness } from "@session-store/harness";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Browser, field } from "./browser.js";
import type { DemoProcess } from "./demo-process.js";
import { failedStart, startDemo } from "./demo-process.js";

const demoDir = fileURLToPath(new URL("..", import.meta.url));
const redis = await harness("redis");
const running: DemoProcess[] = [];
let dataDir: string;

beforeAll(async () => {
  // The test runs the demo as `pnpm start` does: compiled to dist.
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  await promisify(execFile)(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: demoDir });
  dataDir = mkdtempSync(join(tmpdir(), "session-demo-"));
}, 60_000);

afterEach(async () => {
  await Promise.all(running.splice(0).map((demo) => demo.stop()));
});

afterAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
  await redis.cleanup();
});

async function start(env: Record<string, string>): Promise<DemoProcess> {
  const demo = await startDemo(env);
  running.push(demo);
  return demo;
}

/** Signs in, then visits the home page `visits` times; returns the last visit count shown. */
async function signInAndVisit(browser: Browser, url: string, name: string, visits: number): Promise<string | undefined> {
  const login = await browser.request(`${url}/login`, { name });
  expect(login).toMatchObject({ status: 303, location: "/" });
  let shown: string | undefined;
  for (let i = 0; i < visits; i++) shown = field((await browser.request(`${url}/`)).text, "visits");
  return shown;
}

describe("the demo app", () => {
  it("keeps a session in SQLite across a restart", async () => {
    const env = { DATA_DIR: dataDir };
    const browser = new Browser();
    const first = await start(env);

    const home = await browser.request(`${first.url}/`);
    expect(home.text).toContain('action="/login"');
    expect(await browser.jar.getCookieString(first.url), "no session before sign-in").toBe("");

    expect(await signInAndVisit(browser, first.url, "Ada <admin>", 3)).toBe("3");
    const page = (await browser.request(`${first.url}/session`)).text;
    expect(field(page, "backend")).toBe(`SQLite, file ${join(dataDir, "sessions.db")}`);
    expect(field(page, "remaining")).toMatch(/^(29 min \d+ s|30 min 0 s)$/);

    expect(await first.stop(), "a clean shutdown").toBe(0);
    expect(existsSync(join(dataDir, "sessions.db"))).toBe(true);

    const second = await start(env);
    expect(second.url).not.toBe(first.url);
    const after = (await browser.request(`${second.url}/`)).text;
    expect(field(after, "name")).toBe("Ada &lt;admin&gt;");
    expect(field(after, "visits")).toBe("4");

    expect(await browser.request(`${second.url}/logout`, {})).toMatchObject({ status: 303 });
    expect((await browser.request(`${second.url}/`)).text).toContain('action="/login"');
  });

  it("refuses a name it cannot show", async () => {
    const demo = await start({ DATA_DIR: dataDir });
    const browser = new Browser();
    expect((await browser.request(`${demo.url}/login`, { name: "   " })).status).toBe(400);
    expect((await browser.request(`${demo.url}/login`, { name: "x".repeat(41) })).status).toBe(400);
    expect(await browser.jar.getCookieString(demo.url)).toBe("");
  });

  it.skipIf(redis.skip !== undefined)(`keeps sessions in another backend through SESSION_STORE_URL${redis.skip ? ` (${redis.skip})` : ""}`, async () => {
    const env = { DATA_DIR: dataDir, SESSION_STORE_URL: redis.storeUrl() };
    const browser = new Browser();
    const first = await start(env);
    expect(await signInAndVisit(browser, first.url, "Grace", 2)).toBe("2");
    expect(field((await browser.request(`${first.url}/session`)).text, "backend")).toMatch(/^Redis at /);
    await first.stop();

    const second = await start(env);
    expect(field((await browser.request(`${second.url}/`)).text, "visits")).toBe("3");
    // Signing out removes the session's key, so the shared server keeps nothing of this test.
    await browser.request(`${second.url}/logout`, {});
  });

  it("exits with a clear message, without the password, for a store URL it cannot open", async () => {
    const { code, output } = await failedStart({ DATA_DIR: dataDir, SESSION_STORE_URL: "mysql://root:s3cret-pw@db/app" });
    expect(code).toBe(1);
    expect(output).toContain('Session demo could not start: openStore: unknown scheme "mysql:"');
    expect(output).not.toContain("s3cret-pw");
  });
});
