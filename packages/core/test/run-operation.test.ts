import { describe, expect, it } from "vitest";
import { operationContexts, runOperation } from "../src/adapter/index.js";
import { SessionStoreError } from "../src/index.js";

const context = { backend: "test", operation: "load", timeoutMs: 50 } as const;

describe("runOperation", () => {
  it("resolves the work's value", async () => {
    await expect(runOperation(context, async () => 42)).resolves.toBe(42);
  });

  it("rejects with a SessionStoreError when the work never settles", async () => {
    const started = performance.now();
    const error = await runOperation(context, () => new Promise(() => {})).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(SessionStoreError);
    expect((error as Error).message).toBe("test store: load timed out after 50 ms");
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("wraps a rejection and a synchronous throw, keeping the cause", async () => {
    const cause = new Error("boom");
    await expect(runOperation(context, () => Promise.reject(cause))).rejects.toMatchObject({ cause });
    await expect(
      runOperation(context, () => {
        throw cause;
      }),
    ).rejects.toBeInstanceOf(SessionStoreError);
  });
});

describe("operationContexts", () => {
  it("gives every operation its own frozen context with the backend and deadline", () => {
    const contexts = operationContexts("redis", 1234);
    expect(contexts.load).toEqual({ backend: "redis", operation: "load", timeoutMs: 1234 });
    expect(contexts.setup).toEqual({ backend: "redis", operation: "setup", timeoutMs: 1234 });
    expect(Object.isFrozen(contexts)).toBe(true);
  });
});
