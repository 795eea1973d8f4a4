/** What the bridge last saw of a session: its stored expiry and the digest of its data. */
export interface RecentSession {
  expiresAt?: number;
  digest?: string;
}

/** How many sessions the bridge remembers; a request needs its entry only between get and save. */
export const RECENT_SESSIONS_LIMIT = 10_000;

/**
 * A bounded map by session id. Forgetting is always safe: without an entry the
 * bridge writes (touches or stores) as if it had never seen the session.
 */
export class RecentSessions {
  readonly #entries = new Map<string, RecentSession>();

  constructor(readonly limit = RECENT_SESSIONS_LIMIT) {}

  get(sid: string): RecentSession | undefined {
    return this.#entries.get(sid);
  }

  /** Merges `update` into what is known of `sid`, making it the newest entry. */
  remember(sid: string, update: RecentSession): void {
    const entry = { ...this.#entries.get(sid), ...update };
    this.#entries.delete(sid);
    this.#entries.set(sid, entry);
    if (this.#entries.size > this.limit) this.#entries.delete(this.#entries.keys().next().value as string);
  }

  forget(sid: string): void {
    this.#entries.delete(sid);
  }

  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}
