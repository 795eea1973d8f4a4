import { randomBytes } from "node:crypto";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { SessionStoreError } from "@session-store/core";
import type { OwnRedis, TcpProxy } from "@session-store/harness";
import { commandSkip, HOUR, settle, startRedisServer, startTcpProxy, waitFor } from "@session-store/harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisStore } from "../src/index.js";

const TIMEOUT_MS = 500;
/** How late a timer may fire on a loaded two-core machine. */
const TIMER_SLACK_MS = 500;
/** Calls in flight at once while the flow is dead. */
const CONCURRENCY = 16;
const PAYLOAD_BYTES = 1024 * 1024;
/** Memory the process may keep after recovery, beyond its level before the fault. */
const KEPT_BYTES_ALLOWED = 4 * 1024 * 1024;

const skip = await commandSkip("redis", "redis-server");
const title = skip ? `a dead TCP flow to Redis (skipped: ${skip})` : "a dead TCP flow to Redis";

/** Buffer memory after a full collection: what the process still holds, not garbage yet to be collected. */
async function heldBufferBytes(): Promise<number> {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  // Twice, a turn of the event loop apart: backing stores of collected buffers are freed after the collection.
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  return process.memoryUsage().arrayBuffers;
}

describe.skipIf(skip !== undefined)(title, () => {
  // A server of this test's own, on an ephemeral port, behind a proxy that can kill the flow.
  let server: OwnRedis;
  let proxy: TcpProxy;

  beforeAll(async () => {
    server = await startRedisServer();
    proxy = await startTcpProxy({ host: "127.0.0.1", port: server.port });
  });
  afterAll(async () => {
    await proxy?.stop();
    await server?.stop();
  });

  it("the store-owned client drops a connection that stopped answering, reconnects, and lets go of what it queued", async () => {
    const store = new RedisStore({ url: `redis://${proxy.host}:${proxy.port}`, timeoutMs: TIMEOUT_MS });
    try {
      const id = `dead-flow-${randomBytes(6).toString("hex")}`;
      await store.store(id, Buffer.from("before"), HOUR);
      const before = await heldBufferBytes();

      // The flow dies: nothing gets through either way, and no FIN or RST says so.
      // A new connection is accepted but reaches nothing, as one into the same dead network would.
      proxy.mode("blackhole");
      const acceptedAtFault = proxy.connections().accepted;
      let reconnected = false;
      let sent = 0;
      const timings: number[] = [];
      const caller = async () => {
        while (!reconnected) {
          sent += 1;
          const result = await settle(store.store(id, randomBytes(PAYLOAD_BYTES), HOUR));
          expect(result.error).toBeInstanceOf(SessionStoreError);
          timings.push(result.ms);
        }
      };
      const callers = Array.from({ length: CONCURRENCY }, caller);
      try {
        await waitFor("the store to give up the dead connection and open a new one", () => proxy.connections().accepted > acceptedAtFault, 5_000);
      } finally {
        reconnected = true;
        await Promise.all(callers);
      }
      expect(Math.max(...timings)).toBeLessThan(TIMEOUT_MS + TIMER_SLACK_MS);

      // The network heals; the connection opened into the black hole is dead too, and must be dropped as well.
      const healedAt = performance.now();
      proxy.mode("pass");
      await waitFor("a successful call after the network healed", async () => (await settle(store.load(id))).error === undefined, 5_000);
      const recoveryMs = performance.now() - healedAt;
      expect(await store.load(id)).toEqual(Buffer.from("before"));
      await store.store(id, Buffer.from("after"), HOUR);
      expect(await store.load(id)).toEqual(Buffer.from("after"));

      // Every queued command, and the bytes it held, is released: memory is back at its level before the fault.
      const kept = (await heldBufferBytes()) - before;
      console.log(
        `dead flow: ${sent} calls (${((sent * PAYLOAD_BYTES) / 2 ** 20).toFixed(0)} MiB) rejected, max ${Math.max(...timings).toFixed(0)} ms;` +
          ` recovered ${recoveryMs.toFixed(0)} ms after the network healed; buffer memory kept ${(kept / 2 ** 20).toFixed(1)} MiB`,
      );
      // Held until the drop, what was sent would have been well over the allowance.
      expect(sent * PAYLOAD_BYTES).toBeGreaterThanOrEqual(4 * KEPT_BYTES_ALLOWED);
      expect(kept).toBeLessThan(KEPT_BYTES_ALLOWED);
      await store.remove(id);
    } finally {
      await store.close();
    }
  }, 20_000);
});
