import { startSweeper } from "../sweeper.js";
import type { Sweeper } from "../sweeper.js";

/** The store's background sweeper when `intervalMs` is set (the option was given), else none. */
export function optionalSweeper(store: { sweep(): Promise<number> }, intervalMs: number | undefined): Sweeper | undefined {
  return intervalMs === undefined ? undefined : startSweeper(store, { intervalMs });
}
