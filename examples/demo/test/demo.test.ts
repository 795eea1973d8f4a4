import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, harness, startTcpProxy, waitFor } from "@session-store/harness";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Browser, field } from "./browser.js";
import type { DemoProcess } from "./demo-process.js";
import { failedStart, startDemo } from "./demo-process.js";

const redis = await harness("redis");
const running: DemoProcess[] = [];
let dataDir: string;

// test/build-demo.ts (the global setup) has compiled the demo to dist, as `pnpm start` does.
beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), "session-demo-"));
});

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
    const page = (await browser.request(`${first.url}/`)).text;
    expect(field(page, "backend"), "the file, not the folders it is in").toBe("SQLite, file sessions.db");
    expect(page).not.toContain(dataDir);

    expect(await first.stop(), "a clean shutdown").toBe(0);
    expect(existsSync(join(dataDir, "sessions.db"))).toBe(true);

    const second = await start(env);
    expect(second.url).not.toBe(first.url);
    const after = (await browser.request(`${second.url}/`)).text;
    expect(field(after, "user")).toBe("Ada &lt;admin&gt;");
    expect(field(after, "visits")).toBe("5");

    expect(await browser.request(`${second.url}/logout`, {})).toMatchObject({ status: 303 });
    expect((await browser.request(`${second.url}/`)).text).toContain('action="/login"');
  });

  it("refuses a name it cannot show, with the form again", async () => {
    const demo = await start({ DATA_DIR: dataDir });
    const browser = new Browser();
    const blank = await browser.request(`${demo.url}/login`, { name: "   " });
    expect(blank.status).toBe(400);
    expect(field(blank.text, "error")).toBe("Give a name of 1 to 40 characters.");
    expect(blank.text).toContain('<form class="sign-in" method="post" action="/login">');
    const long = await browser.request(`${demo.url}/login`, { name: "<b>".repeat(14) });
    expect(long.status).toBe(400);
    expect(long.text, "the refused value, escaped").toContain(`value="${"&lt;b&gt;".repeat(14)}"`);
    expect((await browser.request(`${demo.url}/login`, { name: "a\u0007b" })).status).toBe(400);
    expect(await browser.jar.getCookieString(demo.url)).toBe("");
  });

  it("serves its icon, stylesheet and script, and a page for a wrong address", async () => {
    const demo = await start({ DATA_DIR: dataDir });
    const icon = await fetch(`${demo.url}/favicon.ico`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get("content-type")).toBe("image/svg+xml");
    expect((await fetch(`${demo.url}/style.css`)).headers.get("content-type")).toMatch(/^text\/css/);
    expect((await fetch(`${demo.url}/page.js`)).headers.get("content-type")).toMatch(/^text\/javascript|^application\/javascript/);
    const missing = await fetch(`${demo.url}/nothing-here`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain("Page not found");
  });

  it.skipIf(redis.skip !== undefined)(`keeps sessions in another backend through SESSION_STORE_URL${redis.skip ? ` (${redis.skip})` : ""}`, async () => {
    const env = { DATA_DIR: dataDir, SESSION_STORE_URL: redis.storeUrl() };
    const browser = new Browser();
    const first = await start(env);
    expect(await signInAndVisit(browser, first.url, "Grace", 2)).toBe("2");
    expect(field((await browser.request(`${first.url}/sessions`)).text, "backend")).toMatch(/^Redis at 127\.0\.0\.1:\d+$/);
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

  it("exits at startup with one clear line when the backend does not answer", async () => {
    const url = `redis://:s3cret-pw@127.0.0.1:${await freePort()}`;
    const { code, output } = await failedStart({ DATA_DIR: dataDir, SESSION_STORE_URL: url });
    expect(code).toBe(1);
    expect(output.trim().split("\n")).toHaveLength(1);
    expect(output).toMatch(/^Session demo could not start: Redis at 127\.0\.0\.1:\d+ is not answering \(.+\)\n$/);
    expect(output).not.toContain("s3cret-pw");
  });

  it.skipIf(redis.skip !== undefined)(`answers a friendly 503 while the store is down, and logs the detail${redis.skip ? ` (${redis.skip})` : ""}`, async () => {
    const direct = new URL(redis.storeUrl());
    const proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 6379) });
    try {
      direct.host = `${proxy.host}:${proxy.port}`;
      const demo = await start({ DATA_DIR: dataDir, SESSION_STORE_URL: direct.toString() });
      const browser = new Browser();
      await signInAndVisit(browser, demo.url, "Grace", 1);

      proxy.mode("refuse");
      proxy.dropConnections();
      const down = await browser.request(`${demo.url}/?from=test`);
      expect(down.status).toBe(503);
      expect(down.text).toContain('<a class="button" id="retry" href="/?from=test">Try again</a>');
      expect(down.text).not.toMatch(/ECONNREFUSED|redis store|failed:|maxRetries|\.js:\d+/);
      await waitFor("the failure in the server's log", () => /GET \/ failed: SessionStoreError: redis store: \w+ failed/.test(demo.output())).catch((error: unknown) => {
        throw new Error(`${String(error)}; the log:\n${demo.output()}`);
      });
      const failedForm = await browser.request(`${demo.url}/logout`, {});
      expect(failedForm.status).toBe(503);
      expect(failedForm.text, "a failed form retries from the start").toContain('id="retry" href="/"');

      proxy.mode("pass");
      await waitFor("the store back", async () => (await browser.request(`${demo.url}/`)).status === 200);
      expect(field((await browser.request(`${demo.url}/`)).text, "user"), "the session outlived the outage").toBe("Grace");
      await browser.request(`${demo.url}/logout`, {});
    } finally {
      await proxy.stop();
    }
  });
});
