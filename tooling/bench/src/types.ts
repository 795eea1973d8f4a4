/**
 * What each backend's benchmark file (src/cases/<backend>.ts) exports by default.
 * The runner gives every contender of a backend the same workload, in one run, and
 * reports ops/s with ratios to the contender whose role is "raw".
 */

/** An open client doing the workload's two operations. */
export interface Workload {
  load(id: string): Promise<unknown>;
  store(id: string, data: Buffer, ttlMs: number): Promise<unknown>;
  close(): Promise<void>;
}

/** One contender: our store, the raw driver issuing the same statements, or a peer library. */
export interface Contender {
  /** As printed in the table, e.g. "session-store", "raw ioredis", "connect-redis 9.0.0". */
  readonly name: string;
  readonly role: "ours" | "raw" | "peer";
  /** How the blob reaches it, printed under the table (e.g. "base64 in a session object"). */
  readonly note?: string;
  /** Opens a fresh client over an empty namespace; the runner closes it after the measurement. */
  open(): Promise<Workload>;
  /** Why this contender cannot run here (a native module that did not build...), or undefined. */
  unavailable?(): Promise<string | undefined>;
}

/** The ratio our store must reach against the raw contender, checked under the table. */
export interface Target {
  readonly minRatio: number;
  /** Blob sizes in bytes the target applies to; all when absent. */
  readonly sizes?: readonly number[];
  /** Concurrencies the target applies to; all when absent. */
  readonly concurrencies?: readonly number[];
}

/** What the runner hands to `extra()`: the time budget it was given. */
export interface BenchContext {
  /** Milliseconds one measured run lasts. */
  readonly runMs: number;
  /** How many runs a figure is the median of. */
  readonly runs: number;
  /** True with --quick: keep extra figures small (e.g. skip the 1M-session growth step). */
  readonly quick: boolean;
}

/** One backend's benchmark. */
export interface BackendBench {
  readonly backend: string;
  /** Why this backend cannot run here (no server reachable...), or undefined when it can. */
  unavailable(): Promise<string | undefined>;
  readonly contenders: readonly Contender[];
  /** Extra figures of this backend (sweep timings, growth), as a markdown section. */
  extra?(context: BenchContext): Promise<string>;
  /** Server or library version for the report, e.g. "Redis 7.0.15", "SQLite 3.50.4". */
  version?(): Promise<string | undefined>;
  /** Checked and printed under the table. */
  readonly target?: Target;
  /** Markdown printed under the table: how peers are configured, durability trade-offs. */
  readonly notes?: string;
}
