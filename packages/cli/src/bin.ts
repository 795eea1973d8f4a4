#!/usr/bin/env node
import { main } from "./main.js";

const interrupt = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    // A second signal stops at once; a rerun resumes either way.
    if (interrupt.signal.aborted) process.exit(130);
    interrupt.abort();
  });
}

const code = await main(process.argv.slice(2), { out: process.stdout, err: process.stderr, signal: interrupt.signal });
process.exitCode = code;
// Every store is closed by now; a driver's idle timer must not hold the exit.
setTimeout(() => process.exit(code), 1_000).unref();
