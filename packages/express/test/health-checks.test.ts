import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { Listening } from "@session-store/bridge-test";
import { backends, listen } from "@session-store/bridge-test";
import express from "express";
import Fastify from "fastify";
import { afterAll, describe, expect, it } from "vitest";
import { ExpressSessionStore } from "../src/index.js";

/** The README's two readiness probes, Express's first, as written. */
const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const section = readme.slice(readme.indexOf("## Health checks"), readme.indexOf("\n## ", readme.indexOf("## Health checks") + 1));
const [expressProbe = "", fastifyProbe = ""] = [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((match) => match[1]);

/** Runs a snippet with `app` and `store` in scope, as the README's app has them. */
function install(snippet: string, app: unknown, store: ExpressSessionStore): void {
  new Function("app", "store", snippet)(app, store);
}

async function expressApp(store: ExpressSessionStore): Promise<Listening> {
  const app = express();
  install(expressProbe, app, store);
  return listen(createServer(app));
}

async function fastifyApp(store: ExpressSessionStore): Promise<Listening> {
  const app = Fastify();
  install(fastifyProbe, app, store);
  await app.listen({ port: 0, host: "127.0.0.1" });
  const { port } = app.server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

afterAll(() => Promise.all(backends.map((backend) => backend.cleanup())));

it("the README has both probes", () => {
  expect(expressProbe).toContain('app.get("/readyz", async (req, res)');
  expect(fastifyProbe).toContain('app.get("/readyz", async (request, reply)');
});

describe.each([
  ["Express", expressApp],
  ["Fastify", fastifyApp],
] as const)("the README's %s readiness probe", (_, start) => {
  describe.each(backends)("over $name", (backend) => {
    const skipped = backend.skip ? ` (${backend.skip})` : "";

    it.skipIf(backend.skip !== undefined)(`answers 200 while the store answers, 503 when it cannot${skipped}`, async () => {
      const live = await start(new ExpressSessionStore(await backend.open()));
      const dead = await start(new ExpressSessionStore(await backend.dead()));
      try {
        expect((await fetch(`${live.url}/readyz`)).status).toBe(200);
        const down = await fetch(`${dead.url}/readyz`);
        expect(down.status).toBe(503);
        // Nothing of the driver's error reaches the prober.
        expect(await down.text()).not.toMatch(/ECONNREFUSED|store:/);
      } finally {
        await Promise.all([live.close(), dead.close()]);
      }
    });
  });
});
