import { describe, expect, it } from "vitest";
import { startSweeper } from "../src/index.js";

/** A store whose sweeps take `durationMs` and record how many ran at once. */
function slowStore(durationMs: number) {
  const state = { runs: 0, running: 0, maxRunning: 0 };
  return {
    state,
    async sweep() {
      state.runs += 1;
      state.running += 1;
      state.maxRunning = Math.max(state.maxRunning, state.running);
      await new Promise((resolve) => setTimeout(resolve, durationMs));
      state.running -= 1;
      return 1;
    },
  };
}

async function waitFor(condition: () => boolean, deadlineMs = 5_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("startSweeper", () => {
  it("runs repeatedly, never two sweeps at once, and reports counts", async () => {
    const store = slowStore(30);
    const counts: number[] = [];
    const sweeper = startSweeper(store, { intervalMs: 5, onSweep: (count) => counts.push(count) });
    await waitFor(() => store.state.runs >= 4);
    await sweeper.stop();
    expect(store.state.maxRunning).toBe(1);
    expect(counts.length).toBeGreaterThanOrEqual(3);
  });

  it("stop waits for the sweep in progress and nothing runs after it", async () => {
    const store = slowStore(50);
    const sweeper = startSweeper(store, { intervalMs: 1 });
    await waitFor(() => store.state.running === 1);
    await sweeper.stop();
    expect(store.state.running).toBe(0);
    const runs = store.state.runs;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(store.state.runs).toBe(runs);
    await sweeper.stop();
  });

  it("starts at a random point within the first interval", async () => {
    const firstRuns: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const started = performance.now();
      let first = 0;
      const sweeper = startSweeper({ sweep: async () => ((first ||= performance.now() - started), 0) }, { intervalMs: 100 });
      await waitFor(() => first > 0);
      await sweeper.stop();
      firstRuns.push(first);
    }
    expect(Math.max(...firstRuns)).toBeLessThan(400);
    expect(new Set(firstRuns.map((ms) => Math.round(ms / 5))).size).toBeGreaterThan(1);
  });

  it("hands errors to onError and keeps going", async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const sweeper = startSweeper(
      { sweep: async () => { calls += 1; throw new Error("down"); } },
      { intervalMs: 1, onError: (error) => errors.push(error) },
    );
    await waitFor(() => calls >= 3);
    await sweeper.stop();
    expect(errors.length).toBeGreaterThanOrEqual(2);
  });

  it("a sweep that throws synchronously, or a callback that throws, reaches onError and the sweeper keeps going", async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const sweeper = startSweeper(
      {
        sweep: () => {
          calls += 1;
          if (calls % 2 === 1) throw new Error("sync");
          return Promise.resolve(1);
        },
      },
      {
        intervalMs: 1,
        onSweep: () => {
          throw new Error("callback");
        },
        onError: (error) => errors.push((error as Error).message),
      },
    );
    await waitFor(() => calls >= 4);
    await sweeper.stop();
    expect(errors).toContain("sync");
    expect(errors).toContain("callback");
  });

  it("does not keep the process alive", async () => {
    const { spawnSync } = await import("node:child_process");
    const script = `import("${new URL("../dist/index.js", import.meta.url).href}").then(({ startSweeper }) => startSweeper({ sweep: async () => 0 }, { intervalMs: 60000 }))`;
    const child = spawnSync(process.execPath, ["-e", script], { timeout: 10_000 });
    expect(child.status).toBe(0);
  });

  it("refuses a bad interval", () => {
    expect(() => startSweeper({ sweep: async () => 0 }, { intervalMs: 0 })).toThrow(RangeError);
  });
});
