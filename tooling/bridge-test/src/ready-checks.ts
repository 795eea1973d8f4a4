import type { SessionStore } from "@session-store/core";
import { SessionStoreError } from "@session-store/core";
import { afterAll, describe, expect, it } from "vitest";
import { backends } from "./backends.js";

/** What a bridge offers an app's startup and its readiness probe. */
export interface StartupChecks {
  ready(): Promise<void>;
  ping(): Promise<void>;
}

/**
 * `ready()` and `ping()` of a bridge on every test backend: both resolve while the store
 * answers; when it cannot, `ready` rejects with one line (the store's error as `cause`)
 * and `ping` with a SessionStoreError, within the store's deadline.
 */
export function describeReadyChecks(name: string, bridge: (store: SessionStore) => StartupChecks): void {
  afterAll(() => Promise.all(backends.map((backend) => backend.cleanup())));

  describe.each(backends)(`${name}: ready() and ping() on $name`, (backend) => {
    const skipped = backend.skip ? ` (${backend.skip})` : "";

    it.skipIf(backend.skip !== undefined)(`resolve when the store answers${skipped}`, async () => {
      const checks = bridge(await backend.open());
      await expect(checks.ready()).resolves.toBeUndefined();
      await expect(checks.ping()).resolves.toBeUndefined();
    });

    it.skipIf(backend.skip !== undefined)(`reject when it cannot: ready with one line, ping with a SessionStoreError${skipped}`, async () => {
      const checks = bridge(await backend.dead());
      const error = await checks.ready().then(
        () => undefined,
        (reason: unknown) => reason as Error,
      );
      expect(error).toBeInstanceOf(Error);
      expect(error?.message).toMatch(/^session store not ready: \S+ store: [^\n]+$/);
      expect(error?.cause).toBeInstanceOf(SessionStoreError);
      await expect(checks.ping()).rejects.toThrow(SessionStoreError);
      // Within the store's deadline (5 s by default): a dead backend never hangs startup.
    }, 10_000);
  });
}
