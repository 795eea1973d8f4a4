import { describe, expect, it } from "vitest";
import { redact } from "../src/adapter/index.js";
import { SessionStoreError } from "../src/index.js";

describe("SessionStoreError", () => {
  it("names the backend and operation and keeps the cause", () => {
    const cause = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:6379"), { code: "ECONNREFUSED" });
    const error = SessionStoreError.from(cause, "redis", "load");
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("SessionStoreError");
    expect(error.message).toBe("redis store: load failed: connect ECONNREFUSED 127.0.0.1:6379");
    expect(error.cause).toMatchObject({ message: cause.message, code: "ECONNREFUSED" });
    expect(error.backend).toBe("redis");
    expect(error.operation).toBe("load");
  });

  it("passes an existing SessionStoreError through", () => {
    const error = SessionStoreError.closed("sqlite", "touch");
    expect(SessionStoreError.from(error, "other", "load")).toBe(error);
    expect(error.message).toBe("sqlite store: cannot touch: the store is closed");
  });

  it("prefixes the driver's error code when the message lacks it", () => {
    const cause = Object.assign(new Error("terminating connection"), { code: "57P01" });
    expect(SessionStoreError.from(cause, "postgres", "store").message).toContain("57P01 terminating connection");
  });

  it("never carries a password or a connection string", () => {
    const cause = new Error('could not connect to postgres://admin:hunter2@db.internal:5432/app with password=hunter2');
    const error = SessionStoreError.from(cause, "postgres", "connect");
    expect(error.message).not.toContain("hunter2");
    expect(error.message).not.toContain("db.internal");
  });
});

describe("redact", () => {
  it("cuts URLs and password pairs", () => {
    expect(redact("redis://:pw@host:6379/0 failed")).toBe("redis://[redacted] failed");
    expect(redact("auth password: s3cret; user=x")).toBe("auth password: [redacted]; user=x");
  });
});
