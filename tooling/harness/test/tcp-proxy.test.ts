import type { Socket } from "node:net";
import { connect } from "node:net";
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OwnRedis, TcpProxy } from "../src/index.js";
import { commandSkip, startRedisServer, startTcpProxy, waitFor } from "../src/index.js";

const skip = await commandSkip("redis", "redis-server");
/** How long a stalled flow is watched for a reply that must not come. */
const SILENCE_MS = 300;
const PONG = "+PONG\r\n";

/** A raw connection through the proxy that collects what comes back. */
async function open(proxy: TcpProxy): Promise<{ socket: Socket; received: () => string; closed: () => boolean }> {
  const socket = connect(proxy.port, proxy.host);
  socket.on("error", () => undefined);
  let received = "";
  let closed = false;
  socket.on("data", (chunk) => (received += chunk.toString()));
  socket.on("close", () => (closed = true));
  await once(socket, "connect");
  return { socket, received: () => received, closed: () => closed };
}

/** Watches a flow for SILENCE_MS (measured) and says whether anything arrived. */
async function staysSilent(flow: { received: () => string }): Promise<boolean> {
  const before = flow.received();
  const start = performance.now();
  await waitFor("the silence window", () => performance.now() - start >= SILENCE_MS);
  return flow.received() === before;
}

describe.skipIf(skip !== undefined)(skip ? `TCP proxy (${skip})` : "TCP proxy in front of a real redis-server", () => {
  let server: OwnRedis;
  let proxy: TcpProxy;
  const flows: Socket[] = [];

  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    for (const socket of flows) socket.destroy();
    await server?.stop();
  });

  async function flow() {
    const opened = await open(proxy);
    flows.push(opened.socket);
    return opened;
  }

  it("pass forwards both ways", async () => {
    proxy = await startTcpProxy({ host: "127.0.0.1", port: server.port });
    const a = await flow();
    a.socket.write("PING\r\n");
    await waitFor("PONG", () => a.received() === PONG);
    expect(proxy.connections()).toEqual({ accepted: 1, open: 1 });
    await proxy.stop();
  });

  it("blackhole loses what flows, on old and new connections, without closing them; pass then works again", async () => {
    proxy = await startTcpProxy({ host: "127.0.0.1", port: server.port });
    const old = await flow();
    proxy.mode("blackhole");
    old.socket.write("PING\r\n");
    const fresh = await flow();
    fresh.socket.write("PING\r\n");
    expect(await staysSilent(old)).toBe(true);
    expect(fresh.received()).toBe("");
    expect(old.closed() || fresh.closed()).toBe(false);
    proxy.mode("pass");
    old.socket.write("PING\r\n");
    await waitFor("PONG after the black hole", () => old.received() !== "");
    // One PONG: the PING sent into the black hole was lost, not held back.
    expect(await staysSilent(old)).toBe(true);
    expect(old.received()).toBe(PONG);
    await proxy.stop();
  });

  it("freeze holds every flow open and silent, and delivers what was held once it thaws", async () => {
    proxy = await startTcpProxy({ host: "127.0.0.1", port: server.port });
    const a = await flow();
    proxy.mode("freeze");
    a.socket.write("PING\r\n");
    expect(await staysSilent(a)).toBe(true);
    expect(a.closed()).toBe(false);
    proxy.mode("pass");
    await waitFor("the held PONG", () => a.received() === PONG);
    await proxy.stop();
  });

  it("refuse closes new connections at once and keeps old ones; dropConnections closes those too", async () => {
    proxy = await startTcpProxy({ host: "127.0.0.1", port: server.port });
    const old = await flow();
    proxy.mode("refuse");
    const refused = await flow();
    await waitFor("the refused connection to close", refused.closed);
    old.socket.write("PING\r\n");
    await waitFor("PONG on the old flow", () => old.received() === PONG);
    proxy.dropConnections();
    await waitFor("the old flow to close", old.closed);
    expect(proxy.connections()).toEqual({ accepted: 2, open: 0 });
    await proxy.stop();
  });
});
