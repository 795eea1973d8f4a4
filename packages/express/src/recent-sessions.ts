import type { StoredForm } from "./stored-form.js";

/** What the bridge last saw of a session: its stored expiry and, where known, its stored form. */
export interface RecentSession {
  expiresAt: number;
  stored?: StoredForm;
}

/** How many sessions the bridge remembers; a request needs its entry only between get and save. */
export const RECENT_SESSIONS_LIMIT = 10_000;

/**
 * A bounded map by session id, the least recently remembered forgotten first.
 * Forgetting is always safe: without an entry the bridge writes (touches or
 * stores) as if it had never seen the session.
 */
export class RecentSessions {
  readonly #entries = new Map<string, RecentSession>();

  constructor(readonly limit = RECENT_SESSIONS_LIMIT) {}

  get(sid: string): RecentSession | undefined {
    return this.#entries.get(sid);
  }

  /** Makes `entry` what is known of `sid`, and the newest entry. */
  remember(sid: string, entry: RecentSession): void {
    this.#entries.delete(sid);
    this.#entries.set(sid, entry);
    if (this.#entries.size > this.limit) this.#entries.delete(this.#entries.keys().next().value as string);
  }

  /** A touch moved the expiry of `sid`; its data, and so its stored form, stayed. */
  touched(sid: string, expiresAt: number): void {
    this.remember(sid, { expiresAt, stored: this.#entries.get(sid)?.stored });
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
