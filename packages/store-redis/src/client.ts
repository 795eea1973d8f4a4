import { Redis } from "ioredis";
import type { RedisOptions } from "ioredis";

/** Longest wait between two reconnection attempts of a store-owned client, in ms. */
const MAX_RECONNECT_DELAY_MS = 1_000;

/**
 * Opens the client a store owns. Its defaults make a call fail soon after Redis
 * goes away rather than wait out the store's whole deadline: commands issued
 * while disconnected are failed at the next failed reconnection attempt
 * (`maxRetriesPerRequest: 0`), attempts come at most a second (and at most half
 * the deadline) apart, and a connection attempt gives up within the deadline.
 * So the offline queue stays small and a rejected call cannot be sent long after
 * it was reported as failed. The caller's own ioredis options win over these.
 */
export function openOwnClient(url: string | undefined, redis: RedisOptions | undefined, timeoutMs: number): Redis {
  const options: RedisOptions = {
    maxRetriesPerRequest: 0,
    connectTimeout: timeoutMs,
    retryStrategy: (attempt) => reconnectDelay(attempt, Math.min(MAX_RECONNECT_DELAY_MS, timeoutMs / 2)),
    ...redis,
  };
  const client = url === undefined ? new Redis(options) : new Redis(url, options);
  // Without a listener ioredis prints every connection error; each failed call
  // already rejects with a SessionStoreError, so the event adds nothing.
  client.on("error", ignore);
  return client;
}

/**
 * Exponential backoff with jitter, so many app instances do not reconnect in step,
 * capped so that a call waiting for the connection sees at least two attempts
 * before its deadline.
 */
function reconnectDelay(attempt: number, maxMs: number): number {
  return Math.min(50 * 2 ** (attempt - 1), maxMs) + Math.floor(Math.random() * Math.min(100, maxMs / 4));
}

function ignore(): void {}
