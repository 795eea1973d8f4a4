import { afterEach, describe, expect, it, vi } from "vitest";
import { HOUR, requiredBackends, settle, skipOrFail, waitFor } from "../src/index.js";

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  vi.resetModules();
});

describe("SESSION_STORE_REQUIRE", () => {
  it("lists the backends whose skip fails the run", () => {
    process.env.SESSION_STORE_REQUIRE = " redis, postgres ,,";
    expect([...requiredBackends()]).toEqual(["redis", "postgres"]);
    expect(() => skipOrFail("redis", "no server")).toThrow(/SESSION_STORE_REQUIRE lists redis, so this is a failure/);
    expect(skipOrFail("mongo", "no server")).toBe("mongo: skipped, no server");
  });
});

describe("resolution without a variable", () => {
  // Runs where the run's own server is the default local one (as on a developer's machine, and in CI here).
  for (const [name, variable, local] of [
    ["redis", "REDIS_URL", "redis://127.0.0.1:6379"],
    ["postgres", "POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test"],
  ] as const) {
    it.skipIf(saved[variable] !== local)(`finds ${name} on its default local port with ${variable} unset`, async () => {
      delete process.env[variable];
      const { resolveServer } = await import("../src/resolve.js");
      expect(await resolveServer(name)).toEqual({ url: local });
    });
  }
});

describe("test helpers", () => {
  it("settle resolves the value or the error and the time taken", async () => {
    expect(HOUR).toBe(3_600_000);
    expect(await settle(Promise.resolve(1))).toMatchObject({ value: 1 });
    const failed = await settle(Promise.reject(new Error("no")));
    expect((failed.error as Error).message).toBe("no");
    expect(failed.ms).toBeGreaterThanOrEqual(0);
  });

  it("waitFor returns once the condition holds and throws, naming what it waited for, at the deadline", async () => {
    let calls = 0;
    await waitFor("three calls", () => ++calls === 3);
    expect(calls).toBe(3);
    const start = performance.now();
    await expect(waitFor("the impossible", () => false, 100)).rejects.toThrow(/timed out after 100 ms waiting for the impossible/);
    expect(performance.now() - start).toBeGreaterThanOrEqual(100);
  });
});
