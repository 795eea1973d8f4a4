import { describe, expect, it } from "vitest";
import { checkKnownOptions } from "../src/adapter/index.js";

const known = ["prefix", "timeoutMs", "sweep", "sweepIntervalMs", "table"];

describe("checkKnownOptions", () => {
  it("accepts known options and an empty object", () => {
    expect(() => checkKnownOptions({ prefix: "a", timeoutMs: 1 }, known, "Store")).not.toThrow();
    expect(() => checkKnownOptions({}, known, "Store")).not.toThrow();
  });

  it.each([
    ["sweepInterval", "sweepIntervalMs"],
    ["tabel", "table"],
    ["timeout", "timeoutMs"],
    ["Prefix", "prefix"],
    ["sweepIntervalMsecs", "sweepIntervalMs"],
  ])("names %s and the nearest known option %s", (given, nearest) => {
    expect(() => checkKnownOptions({ [given]: 1 }, known, "Store")).toThrow(
      new TypeError(`Store has no option \`${given}\`; did you mean \`${nearest}\`?`),
    );
  });

  it("prefers a close edit over a prefix (sslmdoe → sslmode, not ssl)", () => {
    expect(() => checkKnownOptions({ sslmdoe: 1 }, ["ssl", "sslmode"], "Store")).toThrow("did you mean `sslmode`?");
  });

  it("lists the known options when none is near", () => {
    expect(() => checkKnownOptions({ colour: 1 }, known, "Store")).toThrow(
      "Store has no option `colour`; known: `prefix`, `timeoutMs`, `sweep`, `sweepIntervalMs`, `table`",
    );
  });

  it("cuts a long name short", () => {
    const error = (() => {
      try {
        checkKnownOptions({ ["x".repeat(500)]: 1 }, known, "Store");
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(TypeError);
    expect(error!.message.length).toBeLessThan(200);
  });
});
