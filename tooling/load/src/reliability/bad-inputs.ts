import type { SessionStore } from "@session-store/core";
import fc from "fast-check";
import { badData, badTtl, rangeErrorId, typeErrorId } from "./arbitraries.js";

/** What a round of bad inputs showed. */
export interface BadInputReport {
  readonly tried: number;
  /** Calls that rejected with the TypeError/RangeError the contract names. */
  readonly refused: number;
  /** The first few calls that did anything else. */
  readonly wrong: string[];
}

/**
 * Tries `count` calls with random bad arguments (ids that are empty, hold NUL or a
 * lone surrogate, exceed 512 bytes or are not strings; bad TTLs; data that is not a
 * Uint8Array) and counts how many were refused as CONTRACT.md says.
 */
export async function tryBadInputs(store: SessionStore, count: number): Promise<BadInputReport> {
  // Five kinds of calls (bad TTLs make two calls each): about `count` calls in all.
  const perKind = Math.ceil(count / 5);
  const calls: Array<[string, () => Promise<unknown>, typeof TypeError | typeof RangeError]> = [];
  const ok = new Uint8Array([1]);
  for (const id of fc.sample(rangeErrorId, perKind)) calls.push(["range id", pick(store, id), RangeError]);
  for (const id of fc.sample(typeErrorId, perKind)) calls.push(["non-string id", pick(store, id), TypeError]);
  for (const ttl of fc.sample(badTtl, perKind)) {
    const type = typeof ttl === "number" ? RangeError : TypeError;
    calls.push(["ttl", () => store.store("bad-input", ok, ttl as number), type]);
    calls.push(["touch ttl", () => store.touch("bad-input", ttl as number), type]);
  }
  for (const data of fc.sample(badData, perKind)) {
    calls.push(["data", () => store.store("bad-input", data as Uint8Array, 60_000), TypeError]);
  }
  let refused = 0;
  const wrong: string[] = [];
  for (const [kind, call, type] of calls) {
    try {
      await call();
      if (wrong.length < 5) wrong.push(`${kind}: resolved`);
    } catch (error) {
      if (error instanceof type) refused += 1;
      else if (wrong.length < 5) wrong.push(`${kind}: ${error instanceof Error ? error.name : typeof error}`);
    }
  }
  return { tried: calls.length, refused, wrong };
}

/** One of the four operations with `id`, chosen at random. */
function pick(store: SessionStore, id: unknown): () => Promise<unknown> {
  const bad = id as string;
  const operations = [
    () => store.load(bad),
    () => store.store(bad, new Uint8Array([1]), 60_000),
    () => store.touch(bad, 60_000),
    () => store.remove(bad),
  ];
  return operations[Math.floor(Math.random() * operations.length)]!;
}
