import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";

/** A server process this test run started on a loopback port; only ever signalled by its PID. */
export interface OwnProcess {
  readonly pid: number;
  readonly port: number;
  /** Sends `signal` (default SIGKILL) and resolves once the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** SIGTERM, then waits for the exit; idempotent. */
  stop(): Promise<void>;
  /** SIGSTOP: the process holds its sockets open and answers nothing. */
  pause(): void;
  /** SIGCONT. */
  resume(): void;
}

/** `count` distinct loopback ports, free a moment ago: held open all at once, then released. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  await Promise.all(servers.map((server) => new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve))));
  const ports = servers.map((server) => (server.address() as AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

export const freePort = async (): Promise<number> => (await freePorts(1))[0] as number;

/** Whether `pid` still runs; a zombie has exited and only waits to be reaped. */
export function isRunning(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return false;
  }
  // The state follows the parenthesised command name, which may itself hold spaces.
  return stat[stat.lastIndexOf(")") + 2] !== "Z";
}

/** Signals `pid` only while `running()` says it is still ours, so a reused PID is never hit. */
export function ownProcess(pid: number, port: number, running: () => boolean, exited: () => Promise<void>): OwnProcess {
  const signal = (name: NodeJS.Signals) => {
    if (running()) process.kill(pid, name);
  };
  return {
    pid,
    port,
    async kill(name = "SIGKILL") {
      signal(name);
      await exited();
    },
    async stop() {
      signal("SIGTERM");
      // A paused process acts on SIGTERM only once it runs again.
      signal("SIGCONT");
      await exited();
    },
    pause: () => signal("SIGSTOP"),
    resume: () => signal("SIGCONT"),
  };
}

/** Spawns `command` as a child, SIGKILLed if this process exits first, so no run leaves a port taken. */
export function spawnOwnProcess(command: string, args: readonly string[], port: number): OwnProcess & { exited(): boolean } {
  const child = spawn(command, args, { stdio: "ignore" });
  let done = false;
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.once("error", () => resolve());
  }).then(() => {
    done = true;
    process.off("exit", killOnExit);
  });
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  if (child.pid === undefined) throw new Error(`${command} could not be started (is it installed?)`);
  return { ...ownProcess(child.pid, port, () => !done, () => exited), exited: () => done };
}
