import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

/** The built command, run as a user runs it. */
export const BIN = fileURLToPath(new URL("../../dist/bin.js", import.meta.url));

export interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running `session-store …`, its output collected as it comes. */
export class CliProcess {
  readonly child: ChildProcess;
  stdout = "";
  stderr = "";
  readonly #exited: Promise<Run>;

  constructor(args: readonly string[]) {
    this.child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    this.child.stdout?.on("data", (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.child.stderr?.on("data", (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.#exited = once(this.child, "close").then(([code, signal]) => ({
      code: code as number | null,
      signal: signal as NodeJS.Signals | null,
      stdout: this.stdout,
      stderr: this.stderr,
    }));
  }

  exited(): Promise<Run> {
    return this.#exited;
  }
}

export const runCli = (...args: string[]): Promise<Run> => new CliProcess(args).exited();

/** The counts of the summary line "copied N, skipped as expired N, failed N; already in target N, skipped: revoked in target N". */
export function summaryOf(stdout: string) {
  const match = /copied (\d+), skipped as expired (\d+), failed (\d+); already in target (\d+), skipped: revoked in target (\d+)/.exec(stdout);
  if (!match) throw new Error(`no summary line in: ${stdout}`);
  const [copied = 0, expired = 0, failed = 0, alreadyInTarget = 0, revokedInTarget = 0] = match.slice(1).map(Number);
  return { copied, expired, failed, alreadyInTarget, revokedInTarget };
}
