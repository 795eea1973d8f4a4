import type { Writable } from "node:stream";
import type { IoRedisClient } from "./options.js";
import { readyStream } from "./ready-stream.js";

/**
 * Sends the commands a store issues within one tick of the event loop in one
 * socket write. ioredis writes each command as soon as it is called, one system
 * call each; with many requests in flight that dominates the cost of a command.
 * Corking the socket until the end of the tick keeps the order and adds no wait
 * beyond the current tick (node-redis, too, writes a tick's commands in one
 * corked batch). Only a single-node ioredis `Redis` that is ready is corked;
 * anything else sends as it always does.
 */
export class WriteBatcher {
  #corked: Writable | undefined;
  readonly #uncork = (): void => {
    const stream = this.#corked;
    this.#corked = undefined;
    stream?.uncork();
  };

  /** Call just before sending a command on `client`. */
  beforeSend(client: IoRedisClient): void {
    if (this.#corked !== undefined) return;
    const stream = readyStream(client);
    if (stream === undefined) return;
    stream.cork();
    this.#corked = stream;
    process.nextTick(this.#uncork);
  }
}
