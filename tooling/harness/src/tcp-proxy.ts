import type { AddressInfo, Socket } from "node:net";
import { connect, createServer } from "node:net";

/**
 * "pass" forwards; "blackhole" accepts and keeps connections but forwards nothing
 * either way (what flows meanwhile is lost; existing flows stall too); "refuse"
 * closes new connections at once; "freeze" stops reading on every flow, so nothing
 * is lost and all of it arrives once the mode changes back, but stays open.
 */
export type ProxyMode = "pass" | "blackhole" | "freeze" | "refuse";

export interface TcpProxy {
  readonly host: string;
  readonly port: number;
  mode(mode: ProxyMode): void;
  /** Destroys every connection through the proxy, both sides. */
  dropConnections(): void;
  /** Connections accepted so far, and those still open. */
  connections(): { accepted: number; open: number };
  stop(): Promise<void>;
}

/** A TCP proxy on a free loopback port in front of `target`, in `initial` mode (default "pass"). */
export async function startTcpProxy(target: { host: string; port: number }, initial: ProxyMode = "pass"): Promise<TcpProxy> {
  let mode = initial;
  let accepted = 0;
  const flows = new Set<Socket[]>();

  const server = createServer((client) => {
    accepted += 1;
    client.on("error", () => undefined);
    if (mode === "refuse") return void client.destroy();
    // Accepted while a black hole: it never reaches the target, as a connection into a dead network would not.
    const upstream = mode === "blackhole" ? undefined : connect(target.port, target.host);
    const flow = upstream ? [client, upstream] : [client];
    flows.add(flow);
    const end = () => {
      flows.delete(flow);
      for (const socket of flow) socket.destroy();
    };
    for (const socket of flow) socket.on("error", () => undefined).on("close", end);
    if (upstream) {
      pipe(client, upstream);
      pipe(upstream, client);
    } else client.resume();
    if (mode === "freeze") for (const socket of flow) socket.pause();
  });
  /** Copies `from` to `to` with backpressure, dropping what arrives during a black hole. */
  const pipe = (from: Socket, to: Socket) => {
    from.on("data", (chunk) => {
      if (mode !== "blackhole" && !to.write(chunk)) from.pause();
    });
    to.on("drain", () => {
      if (mode !== "freeze") from.resume();
    });
  };

  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  const dropConnections = () => {
    for (const flow of flows) for (const socket of flow) socket.destroy();
    flows.clear();
  };
  return {
    host: "127.0.0.1",
    port: (server.address() as AddressInfo).port,
    mode(next) {
      mode = next;
      for (const flow of flows) for (const socket of flow) if (next === "freeze") socket.pause(); else socket.resume();
    },
    dropConnections,
    connections: () => ({ accepted, open: flows.size }),
    async stop() {
      dropConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
