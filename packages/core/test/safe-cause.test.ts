import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { SessionStoreError } from "../src/index.js";

const ID = "session-id-4f1c";
const DATA = "secret-session-data";
const PASSWORD = "hunter2";

/** Everything a log line could print of an error. */
function everythingShown(error: unknown): string {
  return [inspect(error, { depth: Infinity, showHidden: true }), JSON.stringify(error), String(error)].join("\n");
}

describe("the cause a SessionStoreError keeps", () => {
  it("keeps the class, name, code and message of the driver's error", () => {
    const cause = Object.assign(new TypeError("bad thing"), { code: "E_BAD" });
    const error = SessionStoreError.from(cause, "redis", "load");
    expect(error.cause).toBeInstanceOf(TypeError);
    expect(error.cause).not.toBe(cause);
    expect((error.cause as { code?: string }).code).toBe("E_BAD");
    expect((error.cause as Error).message).toBe("bad thing");
  });

  it("drops what drivers attach: the command, its key and bytes (ioredis), the row detail (pg)", () => {
    const ioredis = Object.assign(new Error("READONLY You can't write against a read only replica."), {
      name: "ReplyError",
      command: { name: "set", args: [`sess:${ID}`, Buffer.from(DATA), "PX", "1000"] },
    });
    const pg = Object.assign(new Error("duplicate key value violates unique constraint"), {
      code: "23505",
      detail: `Key (id)=(${ID}) already exists.`,
      parameters: [ID, DATA],
    });
    for (const cause of [ioredis, pg]) {
      const shown = everythingShown(SessionStoreError.from(cause, "x", "store", ID));
      expect(shown).not.toContain(ID);
      expect(shown).not.toContain(DATA);
      expect(shown).not.toContain(Buffer.from(DATA).toString("hex"));
    }
    expect((SessionStoreError.from(ioredis, "redis", "store").cause as Error).name).toBe("ReplyError");
  });

  it("cuts the call's id out of messages, the driver's own cause chain and an AggregateError's errors", () => {
    const inner = new Error(`E11000 duplicate key error dup key: { _id: "${ID}" }`);
    const wrapped = new Error(`write failed for ${JSON.stringify(ID)}`, { cause: inner });
    const aggregate = new AggregateError([wrapped, new Error(`connect to redis://u:${PASSWORD}@h:1`)], "all failed");
    const error = SessionStoreError.from(aggregate, "mongo", "store", ID);
    const shown = everythingShown(error);
    expect(shown).not.toContain(ID);
    expect(shown).not.toContain(PASSWORD);
    expect(shown).toContain("[id]");
    const errors = (error.cause as AggregateError).errors as Error[];
    expect(errors).toHaveLength(2);
    expect((errors[0]?.cause as Error).message).toContain("duplicate key");
  });

  it("never shows a password, in the message or the cause", () => {
    const cause = Object.assign(new Error(`WRONGPASS invalid password=${PASSWORD}`), {
      command: { name: "auth", args: ["default", PASSWORD] },
    });
    expect(everythingShown(SessionStoreError.from(cause, "redis", "connect"))).not.toContain(PASSWORD);
  });
});
