import type { Commands } from "./commands.js";
import { commandBytes } from "./command-bytes.js";
import type { IoRedisClient } from "./options.js";
import { WriteBatcher } from "./write-batcher.js";

/** The commands on an ioredis `Redis` or `Cluster` (v5 or v6). */
export function ioredisCommands(client: IoRedisClient): Commands {
  const batcher = new WriteBatcher();
  const send = () => {
    batcher.beforeSend(client);
    return client;
  };
  return {
    set: (key, data, ttlMs) => {
      // Never a reference ioredis could read after the caller changed its array.
      const value = commandBytes(client, data);
      return send().set(key, value, "PX", ttlMs);
    },
    // getBuffer, not get: the bytes come back as they were stored, never decoded as text.
    get: (key) => send().getBuffer(key),
    del: (key) => send().del(key),
    pexpire: (key, ttlMs) => send().pexpire(key, ttlMs),
  };
}
