import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { isManaged } from "@session-store/core";
import { harness, startTcpProxy } from "@session-store/harness";
import type { TcpProxy } from "@session-store/harness";
import { openStore } from "@session-store/open";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumSkip, launchChromium } from "./chromium.js";
import type { DemoProcess } from "./demo-process.js";
import { startDemo } from "./demo-process.js";

const ARTIFACTS = fileURLToPath(new URL("../test-artifacts/", import.meta.url));
const DOCS_SCREENSHOT = fileURLToPath(new URL("../docs/sessions.png", import.meta.url));
const PHONE_USER_AGENT =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

/** Why the sessions pages cannot work over this store URL yet, or undefined. */
async function managementSkip(storeUrl: string): Promise<string | undefined> {
  const store = await openStore(storeUrl);
  try {
    return isManaged(store) ? undefined : "this store has no session management yet (isManaged is false), so it cannot list a user's sessions";
  } finally {
    await store.close?.();
  }
}

/** "29:57" or "1:02:03" as seconds. */
function seconds(countdown: string): number {
  return countdown.split(":").reduce((total, part) => total * 60 + Number(part), 0);
}

interface Setup {
  readonly storeUrl: string;
  /** Redis only: a proxy in front of the server, to cut it off for the 503 page. */
  readonly proxy?: TcpProxy;
}

const redis = await harness("redis");

/** The demo's own default: sessions.db in its data folder (a temporary one here). */
async function sqliteSetup(dataDir: string): Promise<Setup> {
  return { storeUrl: `sqlite:${join(dataDir, "sessions.db")}` };
}

async function redisSetup(): Promise<Setup> {
  const direct = new URL(redis.storeUrl());
  const proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 6379) });
  direct.host = `${proxy.host}:${proxy.port}`;
  return { storeUrl: direct.toString(), proxy };
}

const cases = [
  { name: "sqlite", skip: undefined, setup: sqliteSetup },
  { name: "redis", skip: redis.skip, setup: redisSetup },
] as const;

afterAll(async () => {
  await redis.cleanup();
});

describe.skipIf(chromiumSkip !== undefined).each(cases)("the demo in a real browser, on $name", ({ name, skip, setup }) => {
  let setupDone: Setup | undefined;
  let demo: DemoProcess | undefined;
  let browser: Browser | undefined;
  let dataDir: string;
  let unmanaged: string | undefined;
  const artifacts = join(ARTIFACTS, name);

  beforeAll(async () => {
    if (skip) return;
    dataDir = mkdtempSync(join(tmpdir(), "session-demo-browser-"));
    setupDone = await setup(dataDir);
    unmanaged = await managementSkip(setupDone.storeUrl);
    if (unmanaged) return;
    mkdirSync(artifacts, { recursive: true });
    demo = await startDemo({ DATA_DIR: dataDir, SESSION_STORE_URL: setupDone.storeUrl });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
    await setupDone?.proxy?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const shot = (page: Page, file: string) => page.screenshot({ path: join(artifacts, `${file}.png`), fullPage: true });

  it(`signs one user in on two devices, lists both, signs the other out${skip ? ` (${skip})` : ""}`, async (test) => {
    if (skip) return test.skip(skip);
    if (unmanaged) return test.skip(unmanaged);
    const url = (demo as DemoProcess).url;
    const laptop: BrowserContext = await (browser as Browser).newContext({ viewport: { width: 1100, height: 760 } });
    const phone: BrowserContext = await (browser as Browser).newContext({
      viewport: { width: 390, height: 844 },
      userAgent: PHONE_USER_AGENT,
      isMobile: true,
      hasTouch: true,
    });
    const onLaptop = await laptop.newPage();
    const onPhone = await phone.newPage();

    // The phone: the start page at 390 px, a refused name, then a sign-in.
    await onPhone.goto(`${url}/`);
    await expect.poll(() => onPhone.locator("#backend").textContent()).toMatch(name === "sqlite" ? /^SQLite, file sessions\.db$/ : /^Redis at 127\.0\.0\.1:\d+$/);
    expect(await onPhone.evaluate<number>("document.documentElement.scrollWidth"), "no sideways scrolling at 390 px").toBeLessThanOrEqual(390);
    const favicon = await onPhone.request.get(`${url}/favicon.ico`);
    expect(favicon.status()).toBe(200);
    await shot(onPhone, "home-signed-out-phone");

    await onPhone.fill("#name", "   ");
    await onPhone.click("form.sign-in button");
    await onPhone.waitForSelector("#error");
    expect(await onPhone.locator("#error").textContent()).toContain("1 to 40 characters");
    expect(await onPhone.locator("form.sign-in #name").count(), "the form again").toBe(1);
    await shot(onPhone, "bad-name-phone");

    await onPhone.fill("#name", "Ada");
    await onPhone.click("form.sign-in button");
    await onPhone.waitForSelector("#visits");
    await shot(onPhone, "home-signed-in-phone");

    // The laptop: the same user.
    await onLaptop.goto(`${url}/`);
    await onLaptop.fill("#name", "Ada");
    await onLaptop.click("form.sign-in button");
    await onLaptop.waitForSelector("#visits");
    await onLaptop.goto(`${url}/sessions`);
    const devices = onLaptop.locator("#devices .device");
    expect(await devices.count()).toBe(2);
    expect(await onLaptop.locator(".device.current .device-name").textContent()).toMatch(/^Chrome on Linux/);
    expect(await onLaptop.locator(".device:not(.current) .device-name").textContent()).toBe("Safari on iPhone");
    for (const item of await devices.all()) {
      const signedInAt = Date.parse((await item.locator(".signed-in time").getAttribute("datetime")) ?? "");
      expect(Date.now() - signedInAt, "signed in moments ago").toBeLessThan(60_000);
      expect(await item.locator(".last-seen").textContent()).toBe("just now");
    }
    const html = await onLaptop.content();
    for (const cookie of [...(await laptop.cookies()), ...(await phone.cookies())]) {
      const sid = decodeURIComponent(cookie.value).slice(2).split(".")[0] as string;
      expect(html, "no session id in the page").not.toContain(sid);
    }

    // The countdown is the store's expiry, and it moves.
    const countdown = onLaptop.locator(".device.current .countdown");
    const first = seconds((await countdown.textContent()) ?? "");
    expect(first).toBeGreaterThan(29 * 60);
    expect(first).toBeLessThanOrEqual(30 * 60);
    await expect.poll(async () => seconds((await countdown.textContent()) ?? ""), { timeout: 5_000 }).toBeLessThanOrEqual(first - 2);
    await shot(onLaptop, "sessions-laptop");
    // The README's picture, made on demand only: a test run must not rewrite a tracked file.
    if (name === "sqlite" && process.env.DEMO_DOCS_SCREENSHOT) {
      const bottom = await onLaptop.locator(".actions").evaluate((element) => element.getBoundingClientRect().bottom);
      await onLaptop.screenshot({ path: DOCS_SCREENSHOT, clip: { x: 0, y: 0, width: 1100, height: Math.ceil(bottom) + 32 } });
    }

    await onPhone.goto(`${url}/sessions`);
    expect(await onPhone.locator("#devices .device").count()).toBe(2);
    expect(await onPhone.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
    await shot(onPhone, "sessions-phone");

    // Sign the phone out from the laptop: its very next request is signed out.
    await onLaptop.click("text=Sign out other devices");
    await onLaptop.waitForSelector("#notice");
    expect(await onLaptop.locator("#notice").textContent()).toBe("Signed out 1 other device.");
    expect(await onLaptop.locator("#devices .device").count()).toBe(1);
    await shot(onLaptop, "signed-out-others-laptop");

    await onPhone.reload();
    expect(await onPhone.locator("#devices").count()).toBe(0);
    expect(await onPhone.locator("form.sign-in").count(), "the phone is signed out").toBe(1);
    await onPhone.goto(`${url}/`);
    expect(await onPhone.locator("#user").count()).toBe(0);

    // Sign out everywhere: the laptop too.
    await onLaptop.click("text=Sign out everywhere");
    await onLaptop.waitForSelector("#notice");
    expect(await onLaptop.locator("#notice").textContent()).toBe("You are signed out on every device.");
    await onLaptop.goto(`${url}/sessions`);
    expect(await onLaptop.locator("form.sign-in").count()).toBe(1);

    const missing = await onLaptop.goto(`${url}/no-such-page`);
    expect(missing?.status()).toBe(404);
    await shot(onLaptop, "not-found-laptop");

    // Redis cut off: the friendly 503, then back once it answers again.
    const proxy = setupDone?.proxy;
    if (proxy) {
      proxy.mode("refuse");
      proxy.dropConnections();
      const failed = await onPhone.goto(`${url}/sessions`);
      expect(failed?.status()).toBe(503);
      expect(await onPhone.locator("#retry").getAttribute("href")).toBe("/sessions");
      expect(await onPhone.locator("main").textContent()).not.toMatch(/ECONNREFUSED|redis store|\bat .*\.js/);
      await shot(onPhone, "unavailable-phone");
      proxy.mode("pass");
      await expect.poll(async () => (await onPhone.goto(`${url}/sessions`))?.status(), { timeout: 10_000 }).toBe(200);
    }
    await laptop.close();
    await phone.close();
  }, 60_000);
});
