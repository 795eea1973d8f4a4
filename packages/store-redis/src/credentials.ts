/** Commands whose arguments carry a user name and password. */
const CREDENTIAL_COMMANDS = new Set(["auth", "hello", "migrate"]);

interface CommandError {
  command?: { name?: unknown; args?: unknown };
}

/**
 * ioredis attaches the failed command to its error, arguments included: for the
 * AUTH or HELLO it sends on connect, that is the password, which would then show
 * wherever the error (kept as a SessionStoreError's `cause`) is logged in full.
 */
export function withoutCredentials(error: unknown): never {
  const command = (error as CommandError | null)?.command;
  const cause = (error as { cause?: CommandError } | null)?.cause?.command;
  for (const failed of [command, cause]) {
    if (failed && typeof failed.name === "string" && CREDENTIAL_COMMANDS.has(failed.name.toLowerCase())) {
      failed.args = ["[redacted]"];
    }
  }
  throw error;
}
