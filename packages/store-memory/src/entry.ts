/**
 * What the store's map holds for one id: a session, or (`revoked`) a revocation that
 * keeps the id dead until `expiresAt`. An object is one or the other for its whole
 * life, so each sits in one expiry queue only. A class, so every entry shares one
 * hidden shape on the hot path.
 */
export class Entry {
  /** The expiry of this entry's earliest item in its expiry queue; never later than `expiresAt`. */
  queuedAt = Infinity;
  /** The owner the session is filed under, if any; always `undefined` for a revocation. */
  owner: string | undefined = undefined;

  constructor(
    readonly id: string,
    /** The store's own copy of the bytes (empty for a revocation). */
    public data: Uint8Array,
    /** Epoch ms (`Date.now()`) at which the session, or the revocation, ends. */
    public expiresAt: number,
    readonly revoked = false,
  ) {}
}
