import { describe, expect, it } from "vitest";
import {
  checkOptionsObject,
  checkOwner,
  checkStoreOptions,
  CloseOnce,
  LazyResource,
  optional,
  OrderedById,
} from "../src/adapter/index.js";
import { SessionStoreError } from "../src/index.js";

describe("adapter helpers", () => {
  it("checkOptionsObject refuses a non-object, naming the store", () => {
    expect(() => checkOptionsObject(null as unknown as object, "XStore")).toThrow(new TypeError("XStore options must be an object"));
    const options = { a: 1 };
    expect(checkOptionsObject(options, "XStore")).toBe(options);
  });

  it("optional checks a given value and falls back otherwise", () => {
    const double = (value: number) => value * 2;
    expect(optional(undefined, 7, double)).toBe(7);
    expect(optional(2, 7, double)).toBe(4);
  });

  it("checkStoreOptions and checkOwner hold an owner to the rules of an id", () => {
    expect(checkStoreOptions(undefined)).toBeUndefined();
    expect(checkStoreOptions({})).toBeUndefined();
    expect(checkStoreOptions({ owner: "ada" })).toBe("ada");
    expect(() => checkStoreOptions("ada")).toThrow(TypeError);
    expect(() => checkStoreOptions({ owner: 7 })).toThrow(TypeError);
    for (const bad of ["", "a\0b", "\uD800", "x".repeat(513)]) {
      expect(() => checkStoreOptions({ owner: bad })).toThrow(RangeError);
      expect(() => checkOwner(bad)).toThrow(RangeError);
    }
    expect(checkOwner("ada")).toBe("ada");
  });

  it("CloseOnce runs the shutdown once and refuses operations from the first close on", async () => {
    const closing = new CloseOnce("x");
    let runs = 0;
    let finish!: () => void;
    const shutdown = () => new Promise<void>((resolve) => ((runs += 1), (finish = resolve)));
    const first = closing.close(shutdown);
    expect(closing.close(shutdown)).toBe(first);
    expect(() => closing.assertOpen("load")).toThrow(SessionStoreError);
    finish();
    await first;
    expect(runs).toBe(1);
  });

  it("LazyResource shares one attempt, forgets a failure and keeps a success", async () => {
    let attempts = 0;
    const resource = new LazyResource(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error("down");
      return attempts;
    });
    await expect(resource.get()).rejects.toThrow("down");
    expect(resource.ready).toBe(false);
    const [a, b] = await Promise.all([resource.get(), resource.get()]);
    expect([a, b, attempts, resource.ready]).toEqual([2, 2, 2, true]);
  });

  it("OrderedById runs calls on one id in call order and leaves nothing behind", async () => {
    const order = new OrderedById();
    const done: string[] = [];
    const slow = (name: string, ms: number) => () =>
      new Promise<string>((resolve) => setTimeout(() => (done.push(name), resolve(name)), ms));
    const results = await Promise.all([
      order.run("a", slow("a1", 30)),
      order.run("a", slow("a2", 1)),
      order.run("b", slow("b1", 1)),
      order.run("a", () => Promise.reject(new Error("a3"))).catch((error: Error) => error.message),
      order.run("a", slow("a4", 1)),
    ]);
    expect(results).toEqual(["a1", "a2", "b1", "a3", "a4"]);
    expect(done.indexOf("b1")).toBeLessThan(done.indexOf("a1"));
    expect(done.filter((name) => name.startsWith("a"))).toEqual(["a1", "a2", "a4"]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(order.size).toBe(0);
  });
});
