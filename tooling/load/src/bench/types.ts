/**
 * What each backend's file in src/bench/cases/ exports by default: its contenders, each a
 * small factory, given the same workload in one run; the report gives ops/s with ratios to
 * the contender whose role is "raw".
 */
import type { Backend } from "@session-store/harness";
import type { OpenTarget } from "./targets.js";

/** An open client doing the workload's two operations (a SessionStore is one). */
export interface Workload {
  load(id: string): Promise<unknown>;
  store(id: string, data: Buffer, ttlMs: number): Promise<unknown>;
  close?(): Promise<unknown>;
}

/** One contender: our store, the raw driver issuing the same statements, or a peer library. */
export interface Contender {
  /** As printed in the table, e.g. "session-store", "raw ioredis 6.0.0", "connect-redis 9.0.0". */
  readonly name: string;
  readonly role: "ours" | "raw" | "peer";
  /** How the blob reaches it, printed under the table (e.g. "base64 in a session object"). */
  readonly note?: string;
  /** Opens a client over a fresh namespace of `backend` (which drops it afterwards). */
  open(backend: Backend): Promise<Workload>;
  /** Why this contender cannot run here (a native module that did not build...), or undefined. */
  unavailable?(): string | undefined;
}

/** The ratio our store must reach against the raw contender, in the cells named (all when absent). */
export type Target = { readonly minRatio: number; readonly sizes?: readonly number[]; readonly concurrencies?: readonly number[] };

/**
 * A figure is the median of `runs` runs of `runMs`; `quick` (--quick) keeps extra figures small (no 1M-session growth step).
 * `openTarget` takes an extra figure's verdict on an open target, for the table at the top of BENCHMARKS.md.
 */
export type BenchContext = {
  readonly runMs: number;
  readonly runs: number;
  readonly quick: boolean;
  readonly log: (line: string) => void;
  readonly openTarget?: (target: OpenTarget) => void;
};

export interface BackendBench {
  readonly contenders: readonly Contender[];
  readonly target?: Target;
  /** Markdown printed under the table: how peers are configured, durability trade-offs. */
  readonly notes?: string;
  /** Extra figures of this backend (sweep timings, growth), as a markdown section. */
  extra?(context: BenchContext, backend: Backend): Promise<string>;
}
