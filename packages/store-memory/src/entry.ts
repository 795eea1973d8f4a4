/** One stored session. A class, so every entry shares one hidden shape on the hot path. */
export class Entry {
  /** The expiry of this entry's earliest item in the expiry queue; never later than `expiresAt`. */
  queuedAt = Infinity;

  constructor(
    readonly id: string,
    /** The store's own copy of the bytes. */
    public data: Uint8Array,
    /** Epoch ms (`Date.now()`) at which the session expires. */
    public expiresAt: number,
  ) {}
}
