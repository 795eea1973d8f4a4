/**
 * The conformance suite: `describeSessionStore(options)` registers, in Vitest, one
 * test per line of the contract (packages/core/CONTRACT.md) for the adapter
 * described by `options`. Vitest is a peer dependency of this package only, so
 * @session-store/core carries no test runner.
 */
import { afterAll, describe, it } from "vitest";
import { conformanceChecks } from "./checks.js";
import { createContext } from "./context.js";
import type { Check, ConformanceOptions } from "./types.js";

export { conformanceChecks } from "./checks.js";
export type { Check, CheckContext, ConformanceOptions, CreateOptions, Inspection, StoreCapabilities } from "./types.js";

/** Time one check may take: the 8 MiB round trip on a slow backend is the longest. */
const CHECK_TIMEOUT_MS = 60_000;

/** Runs one check against the adapter, closing every store it opened. */
export async function runCheck(options: ConformanceOptions, check: Check): Promise<void> {
  const context = createContext(options);
  try {
    await check.run(context);
  } finally {
    await context.dispose();
  }
}

/** Registers the whole suite for one adapter. */
export function describeSessionStore(options: ConformanceOptions): void {
  const title = options.skip
    ? `${options.name} conformance (skipped: ${options.skip})`
    : `${options.name} conformance`;
  describe.skipIf(options.skip !== undefined)(title, () => {
    const checks = conformanceChecks.filter((check) => check.appliesTo?.(options) ?? true);
    for (const topic of new Set(checks.map((check) => check.topic))) {
      describe(topic, () => {
        for (const check of checks.filter((candidate) => candidate.topic === topic)) {
          it(check.name, () => runCheck(options, check), CHECK_TIMEOUT_MS);
        }
      });
    }
    if (options.cleanup) afterAll(options.cleanup);
  });
}
export { ReferenceStore, referenceOptions } from "./reference-store.js";
export type { ReferenceEntry, ReferenceStoreClass, ReferenceStoreOptions } from "./reference-store.js";
