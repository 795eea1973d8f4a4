import { once } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { SessionStore } from "@session-store/core";
import { openStore } from "@session-store/open";
import { createApp } from "./app.js";
import { backendLabel } from "./backend-label.js";
import { readConfig } from "./config.js";
import { checkReady } from "./readiness.js";

async function start(): Promise<{ server: Server; store: SessionStore }> {
  const config = readConfig(process.env);
  const backend = backendLabel(config.storeUrl);
  const store = await openStore(config.storeUrl);
  try {
    await checkReady(store, backend);
    const app = createApp({ store, secret: config.secret, sessionTtlMs: config.sessionTtlMs, backend });
    const server = app.listen(config.port, config.host);
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    console.log(`Session demo listening on http://${config.host}:${port} (sessions in ${backend})`);
    return { server, store };
  } catch (error) {
    await store.close?.().catch(() => undefined);
    throw error;
  }
}

async function shutDown({ server, store }: { server: Server; store: SessionStore }): Promise<void> {
  server.close();
  // Browsers keep connections open; without this close() would wait for them.
  server.closeAllConnections();
  await once(server, "close");
  await store.close?.();
}

try {
  const running = await start();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      shutDown(running).catch((error: unknown) => {
        console.error(error);
        process.exitCode = 1;
      });
    });
  }
} catch (error) {
  console.error(`Session demo could not start: ${error instanceof Error ? error.message : String(error)}`);
  // A driver still retrying its connection would keep the process alive.
  process.exit(1);
}
