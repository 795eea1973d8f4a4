import { unknownOptionMessage } from "@session-store/core/adapter";
import type { Command, Io } from "./commands.js";
import { clear, copy, count, describeError, ping, sweep } from "./commands.js";
import { UsageError } from "./usage-error.js";

const COMMANDS: Record<string, Command> = { copy, count, sweep, clear, ping };

export const USAGE = `usage:
  session-store copy --from URL --to URL [--batch N]
  session-store count URL
  session-store sweep URL
  session-store clear URL --yes
  session-store ping URL

URL: memory:, sqlite:<path>, postgres://…, redis://…, mongodb://… (as openStore takes them),
or a peer's data, read-only: connect-redis+redis://…?prefix=sess:,
connect-pg-simple+postgres://…?table=session&schema=public, connect-mongo+mongodb://…?collection=sessions
exit: 0 ok, 1 failure, 2 usage error
`;

/** Runs one command line; resolves the exit code. */
export async function main(args: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    (name === undefined ? io.err : io.out).write(USAGE);
    return name === undefined ? 2 : 0;
  }
  try {
    const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (command === undefined) throw new UsageError(unknownOptionMessage(name, Object.keys(COMMANDS), "session-store").replace("option", "command"));
    return await command(rest, io);
  } catch (error) {
    if (error instanceof UsageError || error instanceof TypeError) {
      io.err.write(`${describeError(error)}\n(session-store --help shows the usage)\n`);
      return 2;
    }
    io.err.write(`session-store ${name}: ${describeError(error)}\n`);
    return 1;
  }
}
