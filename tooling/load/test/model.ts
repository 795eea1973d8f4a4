import type { SessionStore } from "@session-store/core";
import fc from "fast-check";
import { expect, vi } from "vitest";

/** What the reference model holds for one id. */
interface ModelEntry {
  readonly data: Uint8Array;
  expiresAt: number;
}

/** The reference: a Map and a clock, with the semantics of CONTRACT.md and nothing else. */
export interface Model {
  readonly entries: Map<number, ModelEntry>;
  now: number;
}

/** The system under test: a store, the ids of this run, and whether time can be moved. */
export interface Real {
  readonly store: SessionStore;
  readonly ids: readonly string[];
  readonly fakeClock: boolean;
}

type StoreCommand = fc.AsyncCommand<Model, Real, false>;

const live = (model: Model, index: number) => {
  const entry = model.entries.get(index);
  return entry && entry.expiresAt > model.now ? entry : undefined;
};
const idOf = (real: Real, index: number) => real.ids[index % real.ids.length]!;

class Store implements StoreCommand {
  constructor(readonly index: number, readonly data: Uint8Array, readonly ttlMs: number) {}
  check = () => true;
  async run(model: Model, real: Real) {
    await real.store.store(idOf(real, this.index), this.data, this.ttlMs);
    model.entries.set(this.index % real.ids.length, { data: this.data.slice(), expiresAt: model.now + Math.ceil(this.ttlMs) });
  }
  toString = () => `store(#${this.index}, ${this.data.length} bytes, ${this.ttlMs})`;
}

class Load implements StoreCommand {
  constructor(readonly index: number) {}
  check = () => true;
  async run(model: Model, real: Real) {
    const loaded = await real.store.load(idOf(real, this.index));
    const expected = live(model, this.index % real.ids.length)?.data;
    if (expected === undefined) expect(loaded).toBeUndefined();
    else expect(Buffer.from(loaded ?? [0xde, 0xad]).equals(Buffer.from(expected))).toBe(true);
  }
  toString = () => `load(#${this.index})`;
}

class Touch implements StoreCommand {
  constructor(readonly index: number, readonly ttlMs: number) {}
  check = () => true;
  async run(model: Model, real: Real) {
    const touched = await real.store.touch(idOf(real, this.index), this.ttlMs);
    const entry = live(model, this.index % real.ids.length);
    expect(touched).toBe(entry !== undefined);
    if (entry) entry.expiresAt = model.now + Math.ceil(this.ttlMs);
  }
  toString = () => `touch(#${this.index}, ${this.ttlMs})`;
}

class Remove implements StoreCommand {
  constructor(readonly index: number) {}
  check = () => true;
  async run(model: Model, real: Real) {
    const removed = await real.store.remove(idOf(real, this.index));
    expect(removed).toBe(live(model, this.index % real.ids.length) !== undefined);
    model.entries.delete(this.index % real.ids.length);
  }
  toString = () => `remove(#${this.index})`;
}

/** Moves the fake clock the store reads (`Date.now()`). */
class Advance implements StoreCommand {
  constructor(readonly ms: number) {}
  check = () => true;
  async run(model: Model, real: Real) {
    if (!real.fakeClock) return;
    model.now += this.ms;
    vi.setSystemTime(model.now);
  }
  toString = () => `advance(${this.ms} ms)`;
}

/** A sweep deletes only what has expired: nothing any later load could see changes. */
class Sweep implements StoreCommand {
  check = () => true;
  async run(_model: Model, real: Real) {
    const deleted = await real.store.sweep?.();
    if (deleted !== undefined) expect(Number.isSafeInteger(deleted) && deleted >= 0).toBe(true);
  }
  toString = () => "sweep()";
}

/**
 * Random interleavings of the four operations (and sweeps, and clock moves when the
 * clock can be faked) over a pool of three ids. With a fake clock the TTLs are whole
 * seconds and every move is 7 ms off a whole second, so no check lands exactly on an
 * expiry instant: the model never has to guess how a backend rounds the boundary.
 */
export function storeCommands(timed: boolean): fc.Arbitrary<Iterable<StoreCommand>> {
  const index = fc.nat({ max: 2 });
  const ttl = timed ? fc.constantFrom(1_000, 1_999.5, 5_000, 3_600_000) : fc.constantFrom(3_600_000, 3_600_000.25);
  const data = fc.oneof({ arbitrary: fc.uint8Array({ maxLength: 64 }), weight: 4 }, { arbitrary: fc.uint8Array({ maxLength: 4_096 }), weight: 1 });
  const commands: Array<fc.Arbitrary<StoreCommand>> = [
    fc.tuple(index, data, ttl).map(([i, bytes, ms]) => new Store(i, bytes, ms)),
    index.map((i) => new Load(i)),
    fc.tuple(index, ttl).map(([i, ms]) => new Touch(i, ms)),
    index.map((i) => new Remove(i)),
    fc.constant(new Sweep()),
  ];
  if (timed) commands.push(fc.constantFrom(7, 1_007, 3_007).map((ms) => new Advance(ms)));
  return fc.commands(commands, { maxCommands: 30 });
}
