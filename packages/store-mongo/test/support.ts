import { randomBytes } from "node:crypto";
import type { Socket } from "node:net";
import { createServer } from "node:net";
import { performance } from "node:perf_hooks";

/** A TCP server on a loopback port that accepts connections and never answers. */
export interface SilentServer {
  readonly url: string;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
  });
  const port = await listen(server);
  return {
    url: `mongodb://127.0.0.1:${port}/test`,
    connections: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A URL on a loopback port nothing listens on (bound by the OS, then released). */
export async function closedPortUrl(credentials = ""): Promise<string> {
  const server = createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `mongodb://${credentials}127.0.0.1:${port}/test`;
}

function listen(server: ReturnType<typeof createServer>): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") reject(new Error("no TCP address"));
      else resolve(address.port);
    });
  });
}

/** Awaits a promise that must reject; resolves its reason and how long it took. */
export async function rejectionOf(work: () => Promise<unknown>): Promise<{ error: unknown; elapsedMs: number }> {
  const start = performance.now();
  const error = await work().then(
    () => new Error("expected a rejection, but the call resolved"),
    (reason: unknown) => reason,
  );
  return { error, elapsedMs: performance.now() - start };
}

/** A collection name no other test uses. */
export function newCollection(): string {
  return `ss_test_${randomBytes(6).toString("hex")}`;
}
