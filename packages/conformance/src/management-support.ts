import { randomBytes } from "node:crypto";
import { inspect } from "node:util";
import { expect } from "vitest";
import type { ListedEntry, ManagedSessionStore, OwnedSession } from "@session-store/core";
import { dataFor, sleepUntil, timed } from "./support.js";
import type { CheckContext, ConformanceOptions } from "./types.js";

/** The revocation grace checks pass to `create` so its end can be waited out. */
export const SHORT_GRACE = 300;

/** How far a server's clock may be from this process's, for expiries read by the backend's clock. */
const SERVER_CLOCK_OFFSET_MS = 3_000;

/** Rounding of a TTL or a timestamp to whole milliseconds, either way. */
const ROUNDING_MS = 2;

/** Whether the management checks apply: capability `management`, default true. */
export function managed(options: ConformanceOptions): boolean {
  return options.capabilities.management !== false;
}

/** Whether the management checks that need `sweep` apply. */
export function managedAndSwept(options: ConformanceOptions): boolean {
  return managed(options) && options.capabilities.expiry === "sweep";
}

/** A fresh owner id, safe on every backend. */
export function newOwner(): string {
  return `owner-${randomBytes(8).toString("hex")}`;
}

/** Stores with `ttlMs`, recording the process clock around the call, to bound the expiresAt the store reports. */
export async function storeTimed(
  store: ManagedSessionStore,
  id: string,
  data: Uint8Array,
  ttlMs: number,
  owner?: string,
): Promise<{ before: number; after: number; ttlMs: number }> {
  const before = Date.now();
  const wrote = await store.store(id, data, ttlMs, owner === undefined ? undefined : { owner });
  expect(wrote, `store of a fresh id resolves true`).toBe(true);
  return { before, after: Date.now(), ttlMs };
}

/**
 * Asserts an expiresAt the store reported is now + ttl as of the call: by the process
 * clock within rounding, or by a server's clock within its expiry slack and a few
 * seconds of clock offset.
 */
export function expectExpiresAt(
  context: CheckContext,
  expiresAt: unknown,
  write: { before: number; after: number; ttlMs: number },
  what: string,
): void {
  expect(typeof expiresAt, `${what}: expiresAt is a number`).toBe("number");
  const slack =
    context.capabilities.clock === "process"
      ? ROUNDING_MS
      : SERVER_CLOCK_OFFSET_MS + context.capabilities.expirySlackMs;
  expect(expiresAt as number, `${what}: expiresAt not before now + ttl`).toBeGreaterThanOrEqual(write.before + write.ttlMs - slack);
  expect(expiresAt as number, `${what}: expiresAt not after now + ttl`).toBeLessThanOrEqual(write.after + write.ttlMs + slack);
}

/** Reads a whole listing into an array (the checks' namespaces are small). */
export async function collect(listing: AsyncIterable<ListedEntry>): Promise<ListedEntry[]> {
  const all: ListedEntry[] = [];
  for await (const entry of listing) all.push(entry);
  return all;
}

/** The ids of a listing or of sessionsOf, sorted, so two sets compare equal. */
export function idsOf(items: ReadonlyArray<ListedEntry | OwnedSession>): string[] {
  return items.map((item) => item.id).sort();
}

/** The ids `ids` as the store's listings show them, sorted, to compare with `idsOf`. */
export function listedIds(context: CheckContext, ids: readonly string[]): string[] {
  return ids.map((id) => context.listedId(id)).sort();
}

/** What a call rejected with, or a failure when it resolved. */
export async function rejectionOf(work: () => Promise<unknown>, what: string): Promise<unknown> {
  let promise: Promise<unknown> | undefined;
  expect(() => {
    promise = work();
  }, `${what} must reject, not throw synchronously`).not.toThrow();
  return (promise as Promise<unknown>).then(
    () => expect.fail(`${what} must reject`),
    (reason: unknown) => reason,
  );
}

/** Asserts an error shows none of `secrets` (ids, owners): not in its text, its cause chain or its properties. */
export function expectNoSecrets(error: unknown, secrets: readonly string[], what: string): void {
  const shown = `${String(error)}\n${inspect(error, { depth: 8, showHidden: true })}`;
  for (const secret of secrets) {
    expect(shown.includes(secret), `${what}: the error shows ${JSON.stringify(secret.slice(0, 40))}`).toBe(false);
  }
}

/** How long the sessions `storeExpiredOwned` writes live. */
const EXPIRED_TTL = 50;

/** Stores a session under each id, filed under `owner`, that expires at once, and waits until all certainly have. */
export async function storeExpiredOwned(
  context: CheckContext,
  store: ManagedSessionStore,
  ids: readonly string[],
  owner: string,
): Promise<void> {
  const stored = await timed(() => Promise.all(ids.map((id) => store.store(id, dataFor(id), EXPIRED_TTL, { owner }))));
  await sleepUntil(stored.end + EXPIRED_TTL + context.capabilities.expirySlackMs);
}
