import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** What the demo runs with, from the environment. */
export interface DemoConfig {
  readonly host: string;
  readonly port: number;
  /** Where the default SQLite file and the cookie-signing secret live. */
  readonly dataDir: string;
  readonly storeUrl: string;
  readonly secret: string;
  /** How long a session lives without a request; every request starts it again (rolling). */
  readonly sessionTtlMs: number;
}

const DEFAULT_DATA_DIR = fileURLToPath(new URL("../data/", import.meta.url));
const SWEEP_INTERVAL_MS = 10 * 60 * 1000;

export function readConfig(env: NodeJS.ProcessEnv): DemoConfig {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error("PORT must be a port number");
  const dataDir = resolve(env.DATA_DIR ?? DEFAULT_DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  return {
    host: "127.0.0.1",
    port,
    dataDir,
    // SQLite rows of expired sessions stay until a sweep deletes them, hence the interval.
    storeUrl: env.SESSION_STORE_URL || `sqlite:${join(dataDir, "sessions.db")}?sweepIntervalMs=${SWEEP_INTERVAL_MS}`,
    secret: env.SESSION_SECRET || persistentSecret(dataDir),
    sessionTtlMs: 30 * 60 * 1000,
  };
}

/**
 * A random cookie-signing secret kept in the data folder, so that sessions
 * survive a restart without a secret written in the source.
 */
function persistentSecret(dataDir: string): string {
  const file = join(dataDir, "secret");
  try {
    return readFileSync(file, "utf8").trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const secret = randomBytes(32).toString("hex");
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: "wx" });
  return secret;
}
