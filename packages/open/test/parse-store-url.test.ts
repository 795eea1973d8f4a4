import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parseStoreUrl } from "../src/schemes.js";

describe("parseStoreUrl", () => {
  it("maps each scheme to its package, class and options", () => {
    expect(parseStoreUrl("memory:")).toEqual({
      backend: "memory",
      packageName: "@session-store/store-memory",
      exportName: "MemoryStore",
      options: {},
    });
    expect(parseStoreUrl("redis://127.0.0.1:6379/2")).toMatchObject({
      packageName: "@session-store/store-redis",
      exportName: "RedisStore",
      options: { url: "redis://127.0.0.1:6379/2" },
    });
    expect(parseStoreUrl("rediss://cache.example:6380")?.exportName).toBe("RedisStore");
    expect(parseStoreUrl("postgres://db.example/app")).toMatchObject({
      packageName: "@session-store/store-postgres",
      exportName: "PostgresStore",
      options: { connection: "postgres://db.example/app" },
    });
    expect(parseStoreUrl("postgresql://db.example/app")?.exportName).toBe("PostgresStore");
    expect(parseStoreUrl("mongodb://a:27017,b:27017/app?replicaSet=rs0")).toMatchObject({
      packageName: "@session-store/store-mongo",
      exportName: "MongoStore",
      options: { url: "mongodb://a:27017,b:27017/app?replicaSet=rs0" },
    });
    expect(parseStoreUrl("mongodb+srv://cluster.example/app")?.exportName).toBe("MongoStore");
    expect(parseStoreUrl("REDIS://127.0.0.1")?.exportName).toBe("RedisStore");
  });

  it("reads sqlite paths as written: absolute, relative to the working directory, or :memory:", () => {
    expect(parseStoreUrl("sqlite:/var/lib/app/sessions.db")?.options).toEqual({ path: "/var/lib/app/sessions.db" });
    expect(parseStoreUrl("sqlite:///var/lib/app/sessions.db")?.options).toEqual({ path: "/var/lib/app/sessions.db" });
    expect(parseStoreUrl("sqlite:data/sessions.db")?.options).toEqual({ path: resolve("data/sessions.db") });
    expect(parseStoreUrl("sqlite:./my sessions.db")?.options).toEqual({ path: resolve("my sessions.db") });
    expect(parseStoreUrl("sqlite::memory:")?.options).toEqual({ path: ":memory:" });
  });

  it("takes its own query parameters as options and leaves the driver's in the URL byte for byte", () => {
    expect(parseStoreUrl("sqlite:/tmp/s.db?table=app_sessions&sweepIntervalMs=60000")?.options).toEqual({
      path: "/tmp/s.db",
      table: "app_sessions",
      sweepIntervalMs: 60_000,
    });
    expect(parseStoreUrl("postgres://h/app?sweepIntervalMs=false")?.options).toEqual({ connection: "postgres://h/app", sweepIntervalMs: false });
    expect(parseStoreUrl("postgres://h/app?sslmode=disable&table=s&schema=auth&options=-c%20x%3Dy")?.options).toEqual({
      connection: "postgres://h/app?sslmode=disable&options=-c%20x%3Dy",
      table: "s",
      schema: "auth",
    });
    expect(parseStoreUrl("redis://h:6379?prefix=myapp%3Asess%3A")?.options).toEqual({
      url: "redis://h:6379",
      prefix: "myapp:sess:",
    });
    expect(parseStoreUrl("mongodb://h/app?collection=web_sessions&authSource=admin")?.options).toEqual({
      url: "mongodb://h/app?authSource=admin",
      collection: "web_sessions",
    });
  });

  it("leaves an unknown scheme to the caller", () => {
    expect(parseStoreUrl("mysql://h/app")).toBeUndefined();
  });

  it.each([
    ["no scheme", "127.0.0.1:6379"],
    ["empty", ""],
    ["memory with more", "memory://x"],
    ["sqlite without a path", "sqlite:"],
    ["sqlite with a host", "sqlite://host/sessions.db"],
    ["redis without a host", "redis://"],
    ["redis with only a path", "redis:/6379"],
    ["postgres that is not a URL", "postgres://user:pw@[::1/app"],
    ["mongodb without a host", "mongodb:///app"],
    ["bad percent-encoding", "redis://h?prefix=%E0%A4%A"],
  ])("refuses a malformed URL: %s", (_, url) => {
    expect(() => parseStoreUrl(url)).toThrow(TypeError);
    expect(() => parseStoreUrl(url)).toThrow(/^openStore: malformed store URL: /);
  });

  it.each([
    ["sqlite:///tmp/x.db?tabel=s", "openStore URL parameter `tabel` is not known for sqlite; did you mean `table`?"],
    ["sqlite:/tmp/x.db?sweepInterval=1000", "openStore URL parameter `sweepInterval` is not known for sqlite; did you mean `sweepIntervalMs`?"],
    ["memory:?table=x", "openStore URL parameter `table` is not known for memory; known: `revocationGraceMs`"],
    ["postgres://app:pw@h/app?shcema=auth", "openStore URL parameter `shcema` is not known for postgres; did you mean `schema`?"],
    ["postgres://app:pw@h/app?applicaton_name=web", "openStore URL parameter `applicaton_name` is not known for postgres; did you mean `application_name`?"],
    ["redis://:pw@h:6379?prefx=app:", "openStore URL parameter `prefx` is not known for redis; did you mean `prefix`?"],
    ["mongodb://app:pw@h/app?colection=s", "openStore URL parameter `colection` is not known for mongo; did you mean `collection`?"],
  ])("refuses an unknown query parameter, naming it and the nearest known one: %s", (url, message) => {
    expect(() => parseStoreUrl(url)).toThrow(new TypeError(message));
  });

  it("never quotes the URL, a value or a long parameter name when it refuses a parameter", () => {
    const secret = "s3cret-Pa55word";
    let error: unknown;
    try {
      parseStoreUrl(`postgres://app:${secret}@h/app?passwrd=${secret}&sslmode=require`);
    } catch (caught) {
      error = caught;
    }
    expect((error as Error).message).toBe("openStore URL parameter `passwrd` is not known for postgres; did you mean `password`?");
    expect(() => parseStoreUrl(`redis://h?${"x".repeat(30)}${secret}=1`)).toThrow(/`x{30}s3cret-Pa5…`/);
  });

  it("keeps the driver's parameters it knows, and leaves MongoDB's to the driver", () => {
    expect(parseStoreUrl("redis://h:6379?db=2&family=6&prefix=p:")?.options).toEqual({ url: "redis://h:6379?db=2&family=6", prefix: "p:" });
    expect(parseStoreUrl("postgres://h/app?application_name=web&statement_timeout=5000")?.options).toEqual({
      connection: "postgres://h/app?application_name=web&statement_timeout=5000",
    });
    expect(parseStoreUrl("mongodb://h/app?retryWrites=true&w=majority")?.options).toEqual({ url: "mongodb://h/app?retryWrites=true&w=majority" });
  });
});
