import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const STARTUP_DEADLINE_MS = 20_000;

/** The demo running as its own Node process. */
export interface DemoProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** Stops it with SIGTERM (a clean shutdown) and resolves its exit code. */
  stop(): Promise<number | null>;
}

/** The variables the demo reads, cleared so the outer environment cannot leak in. */
const DEMO_VARIABLES = ["PORT", "DATA_DIR", "SESSION_STORE_URL", "SESSION_SECRET"];

function demoEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = { ...process.env };
  for (const name of DEMO_VARIABLES) delete base[name];
  return { ...base, PORT: "0", ...env };
}

/** Starts the built demo on an ephemeral port and waits for the line that gives its address. */
export async function startDemo(env: Record<string, string>): Promise<DemoProcess> {
  const child = spawn(process.execPath, [MAIN], { env: demoEnv(env), stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`the demo did not start within ${STARTUP_DEADLINE_MS} ms`)), STARTUP_DEADLINE_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(error);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => fail(new Error(`the demo exited with ${code} before listening:\n${output}`)));
  });
  return {
    url,
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null) return child.exitCode;
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
}

/** Runs the demo expecting it to fail at startup; resolves its exit code and output. */
export async function failedStart(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [MAIN], { env: demoEnv(env), stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, "exit")) as [number | null];
  return { code, output };
}
