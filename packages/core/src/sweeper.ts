import { checkTimeout } from "./adapter/check-options.js";

/** How the sweeper runs. */
export interface SweeperOptions {
  /** Time between the end of one sweep and the start of the next. */
  readonly intervalMs: number;
  /** Called with each sweep's error; by default it becomes a process warning. */
  readonly onError?: (error: unknown) => void;
  /** Called with the number of entries each sweep deleted. */
  readonly onSweep?: (deleted: number) => void;
}

/** A running sweeper. */
export interface Sweeper {
  /** Stops the timer and waits for a sweep in progress to end. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Calls `store.sweep()` every `intervalMs` in the background. The first run starts
 * at a random point within the first interval so many app instances do not sweep
 * at the same moment; each next run is scheduled only after the previous one ends,
 * so runs never overlap; the timer is unref'd, so it never keeps a process alive.
 */
export function startSweeper(store: { sweep(): Promise<number> }, options: SweeperOptions): Sweeper {
  const intervalMs = checkTimeout(options.intervalMs, "intervalMs");
  const onError = options.onError ?? warn;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const schedule = (delayMs: number) => {
    timer = setTimeout(run, delayMs);
    timer.unref();
  };

  const sweepOnce = async () => {
    try {
      const deleted = await store.sweep();
      options.onSweep?.(deleted);
    } catch (error) {
      onError(error);
    }
  };

  const run = () => {
    // An onError that throws itself still must not become an unhandled rejection.
    running = sweepOnce().catch(warn);
    void running.finally(() => {
      running = undefined;
      if (!stopped) schedule(intervalMs);
    });
  };

  schedule(Math.random() * intervalMs);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

function warn(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  process.emitWarning(`session-store sweep failed: ${message}`, "SessionStoreWarning");
}
