/**
 * The four commands a `RedisStore` sends, whatever the client. Each names one key,
 * so they work the same on a single node and on a Cluster.
 */
export interface Commands {
  /** `SET key data PX ttlMs`. */
  set(key: string, data: Uint8Array, ttlMs: number): Promise<unknown>;
  /** `GET key`, the value as bytes; null when there is no key. */
  get(key: string): Promise<Buffer | null>;
  /** `DEL key`: how many keys it deleted. */
  del(key: string): Promise<number>;
  /** `PEXPIRE key ttlMs`: 1 if the key exists, else 0. */
  pexpire(key: string, ttlMs: number): Promise<number>;
}
