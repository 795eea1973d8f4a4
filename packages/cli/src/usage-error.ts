/** A mistake in the command line: the command exits with 2 and prints the message. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
