import { expect } from "vitest";

/** Asserts that `actual` holds exactly `expected`'s bytes, with a short message when it does not. */
export function expectBytes(actual: Uint8Array | undefined, expected: Uint8Array, what = "loaded data"): void {
  expect(actual, `${what}: expected bytes, got undefined`).toBeDefined();
  const got = actual as Uint8Array;
  expect(got, `${what}: must be a Uint8Array`).toBeInstanceOf(Uint8Array);
  expect(got.byteLength, `${what}: length`).toBe(expected.byteLength);
  const a = Buffer.from(got.buffer, got.byteOffset, got.byteLength);
  const b = Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength);
  if (!a.equals(b)) {
    const index = a.findIndex((byte, i) => byte !== b[i]);
    expect.fail(`${what}: byte ${index} is ${a[index]}, expected ${b[index]}`);
  }
}
