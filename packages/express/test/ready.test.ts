import { spawn } from "node:child_process";
import { once } from "node:events";
import { backends, describeReadyChecks } from "@session-store/bridge-test";
import { freePort, harness } from "@session-store/harness";
import { afterAll, describe, expect, it } from "vitest";
import { ExpressSessionStore } from "../src/index.js";

describeReadyChecks("ExpressSessionStore", (store) => new ExpressSessionStore(store));

describe("ExpressSessionStore options", () => {
  it("refuses an unknown option, naming the nearest known one", async () => {
    const store = await backends[0]!.open();
    expect(() => new ExpressSessionStore(store, { ttl: 1000 } as never)).toThrow(
      new TypeError("ExpressSessionStore has no option `ttl`; did you mean `ttlMs`?"),
    );
    expect(() => new ExpressSessionStore(store, { touchAfter: 1000 } as never)).toThrow(
      new TypeError("ExpressSessionStore has no option `touchAfter`; did you mean `touchAfterMs`?"),
    );
    expect(() => new ExpressSessionStore(store, { listLimit: 5, serializer: JSON, ttlMs: 1, touchAfterMs: 1 })).not.toThrow();
  });
});

/** An Express app that checks its store before it listens, as the README says; run in its own Node process. */
const STARTUP = `
import express from "express";
import session from "express-session";
import { ExpressSessionStore } from "@session-store/express";
import { openStore } from "@session-store/open";

const store = new ExpressSessionStore(await openStore(process.env.SESSION_STORE_URL));
await store.ready();
const app = express();
app.use(session({ store, secret: "a test secret that is at least thirty-two characters long", resave: false, saveUninitialized: false }));
app.listen(0, "127.0.0.1", () => console.log("listening"));
`;

/** Runs STARTUP over `url` until it prints "listening" or exits; then stops it. */
async function startup(url: string): Promise<{ listened: boolean; code: number | null; stderr: string }> {
  const app = spawn(process.execPath, ["--input-type=module", "--eval", STARTUP], {
    cwd: new URL("..", import.meta.url),
    env: { ...process.env, SESSION_STORE_URL: url },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  app.stderr.on("data", (chunk: Buffer) => void (stderr += chunk.toString()));
  const exited = once(app, "exit");
  const listened = await new Promise<boolean>((resolve) => {
    app.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("listening") && resolve(true));
    app.once("exit", () => resolve(false));
  });
  app.kill("SIGTERM");
  const [code] = (await exited) as [number | null];
  return { listened, code, stderr };
}

for (const name of ["redis", "postgres"] as const) {
  const backend = await harness(name);
  const skipped = backend.skip ? ` (${backend.skip})` : "";
  afterAll(() => backend.cleanup());

  describe.skipIf(backend.skip !== undefined)(`an Express app that awaits store.ready() before app.listen, over ${name}${skipped}`, () => {
    it("listens when the backend answers", async () => {
      expect((await startup(backend.storeUrl())).listened).toBe(true);
    });

    it("never listens when nobody does: it exits 1 saying why in one line", async () => {
      const dead = new URL(backend.storeUrl());
      dead.port = String(await freePort());
      const { listened, code, stderr } = await startup(dead.href);
      expect(listened).toBe(false);
      expect(code).toBe(1);
      expect(stderr).toMatch(new RegExp(`error: session store not ready: ${name} store: [^\\n]+\\n`, "i"));
    });
  });
}
