import type { ManagedSessionStore } from "@session-store/core";
import { harness, HOUR, waitFor } from "@session-store/harness";
import { openStore } from "@session-store/open";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CliProcess, runCli, summaryOf } from "./support/run-cli.js";

const sqlite = await harness("sqlite");
const redis = await harness("redis");
const postgres = await harness("postgres");
/** Its own, since the copy tests' cleanup removes the other's folder. */
const operatorSqlite = await harness("sqlite");
const PASSWORD = "Sw0rdfish-not-printed";

const bytes = (text: string) => new TextEncoder().encode(text);

/** Stores `n` sessions `s0…`, every third one owned by `user<i % 7>`, `concurrency` at a time. */
async function fill(store: ManagedSessionStore, n: number, ttlMs = HOUR): Promise<string[]> {
  const ids = Array.from({ length: n }, (_, index) => `s${index}`);
  for (let start = 0; start < n; start += 500) {
    await Promise.all(
      ids.slice(start, start + 500).map((id, offset) => {
        const index = start + offset;
        return store.store(id, bytes(`{"n":${index}}`), ttlMs, index % 3 === 0 ? { owner: `user${index % 7}` } : undefined);
      }),
    );
  }
  return ids;
}

/** Every session of `from` is in `to` with the same data and owner, and an expiry no earlier and at most 2 s later. */
async function expectCopied(from: ManagedSessionStore, to: ManagedSessionStore, ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    const [source, target] = await Promise.all([from.entry(id), to.entry(id)]);
    expect(target?.data).toEqual(source?.data);
    expect(target?.owner).toBe(source?.owner);
    expect(target?.expiresAt).toBeGreaterThanOrEqual((source?.expiresAt as number) - 2);
    expect(target?.expiresAt).toBeLessThanOrEqual((source?.expiresAt as number) + 2_000);
  }
}

const skip = [sqlite, redis, postgres].map((backend) => backend.skip).find((reason) => reason !== undefined);

describe.skipIf(skip !== undefined)(`session-store copy${skip ? ` (skipped: ${skip})` : ""}`, () => {
  const opened: ManagedSessionStore[] = [];
  const open = async (url: string) => {
    const store = await openStore(url);
    opened.push(store);
    return store;
  };
  afterAll(async () => {
    for (const store of opened) await store.close?.();
    for (const backend of [sqlite, redis, postgres]) await backend.cleanup();
  });

  describe("SQLite → Redis", () => {
    const fromUrl = sqlite.storeUrl();
    const toUrl = redis.storeUrl();
    let from: ManagedSessionStore;
    let to: ManagedSessionStore;
    let ids: string[];

    beforeAll(async () => {
      from = await open(fromUrl);
      to = await open(toUrl);
      ids = await fill(from, 60);
      await from.store("ended", bytes("{}"), 1);
      await to.revoke("s1");
      await waitFor("the short session to end", async () => (await from.entry("ended")) === undefined);
    });

    it("copies every live session with its data, owner and remaining TTL; a revoked id stays revoked", async () => {
      const run = await runCli("copy", "--from", fromUrl, "--to", toUrl, "--batch", "7");
      expect(run.stderr).not.toMatch(/failed:/);
      expect(run.code).toBe(0);
      expect(summaryOf(run.stdout)).toEqual({ copied: 59, expired: 0, failed: 0, alreadyInTarget: 0, revokedInTarget: 1 });
      expect(await to.count()).toBe(59);
      expect(await to.entry("s1")).toBeUndefined();
      await expectCopied(from, to, ids.filter((id) => id !== "s1"));
      expect(await to.entry("ended")).toBeUndefined();
      const owned = (store: ManagedSessionStore) => store.sessionsOf("user3").then((list) => list.map((s) => s.id).sort());
      expect(await owned(to)).toEqual((await owned(from)).filter((id) => id !== "s1"));
      expect((await owned(to)).length).toBeGreaterThan(0);
    });

    it("a rerun rewrites nothing and ends with the same counts in the target", async () => {
      const before = await to.entry("s2");
      const run = await runCli("copy", "--from", fromUrl, "--to", toUrl);
      expect(run.code).toBe(0);
      expect(summaryOf(run.stdout)).toEqual({ copied: 0, expired: 0, failed: 0, alreadyInTarget: 59, revokedInTarget: 1 });
      expect(await to.count()).toBe(59);
      expect((await to.entry("s2"))?.expiresAt).toBe(before?.expiresAt);
    });
  });

  it("Redis → PostgreSQL, with a password in the URL that is never printed", async () => {
    const fromUrl = redis.storeUrl();
    const toUrl = postgres.storeUrl().replace("://postgres@", `://postgres:${PASSWORD}@`);
    expect(toUrl).toContain(PASSWORD);
    const from = await open(fromUrl);
    const ids = await fill(from, 40);
    const run = await runCli("copy", "--from", fromUrl, "--to", toUrl);
    expect(run.code).toBe(0);
    expect(summaryOf(run.stdout)).toMatchObject({ copied: 40, failed: 0 });
    expect(run.stderr).toContain("postgres:***@");
    const to = await open(toUrl);
    expect(await to.count()).toBe(40);
    await expectCopied(from, to, ids);
    for (const args of [["count", toUrl], ["ping", toUrl], ["sweep", toUrl], ["clear", toUrl]]) {
      const other = await runCli(...args);
      expect(other.stdout + other.stderr).not.toContain(PASSWORD);
      expect(other.stdout + other.stderr).toContain("***");
    }
  });

  it("an interrupted copy (SIGKILL) resumes on a rerun and ends with the same counts", async () => {
    const fromUrl = sqlite.storeUrl();
    const toUrl = redis.storeUrl();
    const from = await open(fromUrl);
    await fill(from, 20_000);
    const first = new CliProcess(["copy", "--from", fromUrl, "--to", toUrl]);
    await waitFor("the first progress line", () => first.stderr.includes("sessions handled"), 60_000);
    first.child.kill("SIGKILL");
    expect((await first.exited()).signal).toBe("SIGKILL");
    const to = await open(toUrl);
    const before = await to.count();
    expect(before).toBeGreaterThanOrEqual(200);
    expect(before).toBeLessThan(20_000);

    const rerun = await runCli("copy", "--from", fromUrl, "--to", toUrl);
    expect(rerun.code).toBe(0);
    const counts = summaryOf(rerun.stdout);
    expect(counts.alreadyInTarget).toBeGreaterThanOrEqual(before);
    expect(counts.copied + counts.alreadyInTarget).toBe(20_000);
    expect(await to.count()).toBe(20_000);
    const again = summaryOf((await runCli("copy", "--from", fromUrl, "--to", toUrl)).stdout);
    expect(again).toEqual({ copied: 0, expired: 0, failed: 0, alreadyInTarget: 20_000, revokedInTarget: 0 });
  }, 180_000);
});

describe.skipIf(operatorSqlite.skip !== undefined)("the operator commands", () => {
  const url = operatorSqlite.storeUrl();
  afterAll(() => operatorSqlite.cleanup());

  it("count, sweep, ping, and clear only with --yes", async () => {
    const store = await openStore(url);
    await fill(store, 5);
    await store.close?.();
    expect((await runCli("count", url)).stdout).toMatch(/^5 live sessions in sqlite:/);
    expect((await runCli("sweep", url)).stdout).toMatch(/^swept 0 expired entries/);
    expect(await runCli("ping", url)).toMatchObject({ code: 0, stdout: expect.stringMatching(/^ok sqlite:.* in [\d.]+ ms\n$/) });
    const refused = await runCli("clear", url);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/add --yes/);
    expect((await runCli("count", url)).stdout).toMatch(/^5 live/);
    expect((await runCli("clear", url, "--yes")).stdout).toMatch(/^cleared 5 sessions/);
    expect((await runCli("count", url)).stdout).toMatch(/^0 live/);
  });

  it("ping of an unreachable server exits 1 with one line", async () => {
    const run = await runCli("ping", "redis://:secret-pw@127.0.0.1:1");
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^unreachable redis:\/\/:\*\*\*@127\.0\.0\.1:1: .+\n$/);
    expect(run.stdout + run.stderr).not.toContain("secret-pw");
  });

  it("usage errors exit 2 and name the nearest flag or command", async () => {
    expect(await runCli("copy", "--frm", url, "--to", url)).toMatchObject({ code: 2, stderr: expect.stringContaining("did you mean `--from`") });
    expect(await runCli("cuont", url)).toMatchObject({ code: 2, stderr: expect.stringContaining("did you mean `count`") });
    expect(await runCli("copy", "--from", url)).toMatchObject({ code: 2, stderr: expect.stringContaining("--to URL") });
    expect(await runCli("count")).toMatchObject({ code: 2 });
    expect(await runCli("count", "nosuch://x")).toMatchObject({ code: 1 });
    const typo = await runCli("count", "connect-redis+redis://127.0.0.1:1/0?prefx=a:");
    expect(typo).toMatchObject({ code: 2, stderr: expect.stringContaining("did you mean `prefix`") });
  });
});
