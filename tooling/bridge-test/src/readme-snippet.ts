import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import type { OwnRedis } from "@session-store/harness";
import { freePort, startRedisServer } from "@session-store/harness";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Browser } from "./browser.js";

/**
 * The test that the first JavaScript block of the README in `packageDir` (the app a
 * user copies) runs as written over its own Redis: it says `listensOn3000` (how it
 * binds port 3000), prints "listening", counts visits at GET / and exits 0 on SIGINT.
 */
export function testReadmeSnippet(packageDir: URL, listensOn3000: string): void {
  const readme = readFileSync(new URL("README.md", packageDir), "utf8");
  const snippet = /```js\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";

  let redis: OwnRedis;
  beforeAll(async () => void (redis = await startRedisServer()));
  afterAll(() => redis?.stop());

  it("the README's snippet runs as written: it counts visits and stops on SIGINT", async () => {
    expect(snippet).toContain(listensOn3000);
    const port = await freePort();
    // Only the port changes, so the run cannot collide with anything on 3000.
    const app = spawn(process.execPath, ["--input-type=module", "--eval", snippet.replaceAll("3000", String(port))], {
      cwd: packageDir,
      env: { ...process.env, REDIS_URL: redis.url },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = once(app, "exit");
    try {
      await new Promise<void>((resolve, reject) => {
        app.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("listening") && resolve());
        app.once("exit", (code) => reject(new Error(`the snippet exited with ${code}`)));
      });
      const browser = new Browser(`http://127.0.0.1:${port}`);
      expect((await browser.request("GET", "/")).body).toEqual({ visits: 1 });
      expect((await browser.request("GET", "/")).body).toEqual({ visits: 2 });
    } finally {
      app.kill("SIGINT");
    }
    expect(await exited).toEqual([0, null]);
  });
}
