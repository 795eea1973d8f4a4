import type { ParseArgsConfig } from "node:util";
import { parseArgs } from "node:util";
import { unknownOptionMessage } from "@session-store/core/adapter";
import { UsageError } from "./usage-error.js";

type Flags = NonNullable<ParseArgsConfig["options"]>;

export interface CommandLine {
  readonly values: Record<string, string | boolean | undefined>;
  readonly positionals: readonly string[];
}

/**
 * `parseArgs`, strict, with every mistake a `UsageError`: an unknown flag names the
 * nearest known one (`--frm` → `--from`), and `positionals` is the exact count wanted.
 */
export function parseCommandLine(command: string, args: readonly string[], flags: Flags, positionals: number): CommandLine {
  const { tokens } = parseArgs({ args: [...args], options: flags, strict: false, allowPositionals: true, tokens: true });
  const known = Object.keys(flags);
  for (const token of tokens) {
    if (token.kind === "option" && !known.includes(token.name)) {
      throw new UsageError(unknownOptionMessage(token.name, known, `session-store ${command}`).replaceAll(/`(?=\w)/g, "`--"));
    }
  }
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options: flags, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError(`session-store ${command}: ${(error as Error).message}`);
  }
  if (parsed.positionals.length !== positionals) {
    throw new UsageError(`session-store ${command} takes ${positionals === 0 ? "no argument" : "one URL"}, got ${parsed.positionals.length}`);
  }
  return { values: parsed.values as CommandLine["values"], positionals: parsed.positionals };
}
