import type { SessionStore } from "@session-store/core";
import { describe, expect, it } from "vitest";
import { backendLabel } from "../src/backend-label.js";
import { describeDevice } from "../src/device.js";
import { formatCountdown } from "../src/pages/format.js";
import { checkReady } from "../src/readiness.js";

describe("backendLabel", () => {
  it("names the backend without secrets, queries or folders", () => {
    expect(backendLabel("sqlite:/home/ada/projects/app/data/sessions.db?sweepIntervalMs=600000")).toBe("SQLite, file sessions.db");
    expect(backendLabel("redis://:s3cret@cache.internal:6380/2?prefix=app:")).toBe("Redis at cache.internal:6380/2");
    expect(backendLabel("postgres://app:s3cret@db:5432/sessions?sslmode=require")).toBe("PostgreSQL at db:5432/sessions");
    expect(backendLabel("memory:")).toBe("memory (this process only)");
  });
});

describe("describeDevice", () => {
  it("names the browser and the system", () => {
    expect(describeDevice("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36")).toBe("Chrome on Linux");
    expect(describeDevice("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")).toBe("Safari on iPhone");
    expect(describeDevice("Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0")).toBe("Firefox on Android");
    expect(describeDevice("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36 Edg/126.0")).toBe("Edge on Windows");
    expect(describeDevice(undefined)).toBe("Unknown browser");
  });
});

describe("formatCountdown", () => {
  it("counts like a clock, never below zero", () => {
    expect(formatCountdown(30 * 60_000)).toBe("30:00");
    expect(formatCountdown(59_999)).toBe("0:59");
    expect(formatCountdown(3_723_000)).toBe("1:02:03");
    expect(formatCountdown(-5)).toBe("0:00");
  });
});

describe("checkReady", () => {
  const storeThat = (load: () => Promise<Uint8Array | undefined>) => ({ load }) as unknown as SessionStore;

  it("resolves once the store answers", async () => {
    await expect(checkReady(storeThat(async () => undefined), "SQLite, file a.db")).resolves.toBeUndefined();
  });

  it("gives up on a store that does not answer, in one line", async () => {
    const silent = storeThat(() => new Promise(() => {}));
    await expect(checkReady(silent, "Redis at db:6379", 50)).rejects.toThrow(/^Redis at db:6379 is not answering \(no answer within 0\.05 s\)$/);
  });

  it("keeps the first line of the store's error", async () => {
    const failing = storeThat(async () => Promise.reject(new Error("postgres store: load failed: connect ECONNREFUSED\nmore")));
    await expect(checkReady(failing, "PostgreSQL at db:5432/app")).rejects.toThrow(
      /^PostgreSQL at db:5432\/app is not answering \(postgres store: load failed: connect ECONNREFUSED\)$/,
    );
  });
});
