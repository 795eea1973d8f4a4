import { markAsUntransferable } from "node:worker_threads";

/** Size of one shared ArrayBuffer that small copies are carved from. */
const SLAB_BYTES = 64 * 1024;
/** Larger copies get an ArrayBuffer of their own: a slab then holds at least 16 copies. */
const MAX_POOLED_BYTES = 4 * 1024;

/**
 * Makes the copies `load` hands out. Allocating an ArrayBuffer costs far more than
 * copying 1 KiB into one, so small copies are carved from a shared 64 KiB slab, as
 * Node's own Buffer pool does: one allocation per slab instead of one per load.
 * A copy's `.buffer` is therefore shared with other copies (use `byteOffset` and
 * `byteLength`, as with any small Buffer), and the slab is marked untransferable so
 * no caller can detach it from the others.
 */
export class CopyPool {
  #slab = new ArrayBuffer(0);
  #offset = 0;

  copy(source: Uint8Array): Uint8Array {
    const length = source.length;
    if (length > MAX_POOLED_BYTES) return source.slice();
    if (this.#offset + length > this.#slab.byteLength) {
      this.#slab = new ArrayBuffer(SLAB_BYTES);
      markAsUntransferable(this.#slab);
      this.#offset = 0;
    }
    const copy = new Uint8Array(this.#slab, this.#offset, length);
    copy.set(source);
    // Keep each copy 8-byte aligned, as Node's pool does, so wider views over it stay cheap.
    this.#offset = (this.#offset + length + 7) & ~7;
    return copy;
  }
}
