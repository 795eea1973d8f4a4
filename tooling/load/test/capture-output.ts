/**
 * Runs `work` while recording everything written to stdout, stderr, the console and
 * process warnings, so a test can assert that no secret reached a log.
 */
export async function captureOutput<T>(work: () => Promise<T>): Promise<{ output: string; result: T }> {
  const chunks: string[] = [];
  const record = (...args: unknown[]) => {
    chunks.push(args.map((arg) => (arg instanceof Error ? `${arg.message}\n${arg.stack}` : String(arg))).join(" "));
  };
  const originals = {
    stdout: process.stdout.write,
    stderr: process.stderr.write,
    log: console.log,
    info: console.info,
    warn: console.warn,
    error: console.error,
    debug: console.debug,
  };
  const onWarning = (warning: Error) => record(warning);
  process.stdout.write = ((chunk: unknown) => (record(chunk), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: unknown) => (record(chunk), true)) as typeof process.stderr.write;
  console.log = console.info = console.warn = console.error = console.debug = record;
  process.on("warning", onWarning);
  try {
    const result = await work();
    // Let late 'error' events and warnings of the failed connections arrive too.
    await new Promise((resolve) => setImmediate(resolve));
    return { output: chunks.join("\n"), result };
  } finally {
    process.stdout.write = originals.stdout;
    process.stderr.write = originals.stderr;
    Object.assign(console, { log: originals.log, info: originals.info, warn: originals.warn, error: originals.error, debug: originals.debug });
    process.off("warning", onWarning);
  }
}
