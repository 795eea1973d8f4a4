import type { TcpProxy } from "@session-store/harness";
import { freePort, startTcpProxy } from "@session-store/harness";

/** A loopback server that accepts connections and never answers, and its mongodb:// URL. */
export async function startSilentServer(): Promise<{ server: TcpProxy; url: string }> {
  const server = await startTcpProxy({ host: "127.0.0.1", port: await freePort() }, "blackhole");
  return { server, url: `mongodb://127.0.0.1:${server.port}/test` };
}
