import { defineProject } from "vitest/config";

/** Shared Vitest settings for every package: no retries, generous timeouts for real servers. */
export function defineSessionStoreProject(name: string) {
  return defineProject({
    test: {
      name,
      include: ["test/**/*.test.ts"],
      testTimeout: 30_000,
      hookTimeout: 60_000,
      retry: 0,
    },
  });
}
