/**
 * Keeps calls on one id in the order they were made, awaited or not, where the
 * backend could reorder them (a pool of connections, where a `touch` sent right
 * after a `store` may run first on another connection). A call on an id with
 * nothing in flight starts at once; otherwise it starts when the previous call on
 * that id has settled. Calls on different ids never wait for each other.
 */
export class OrderedById {
  readonly #tails = new Map<string, Promise<void>>();

  run<T>(id: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(id);
    const result = previous === undefined ? work() : previous.then(work);
    const tail = result.then(ignore, ignore);
    this.#tails.set(id, tail);
    void tail.then(() => {
      if (this.#tails.get(id) === tail) this.#tails.delete(id);
    });
    return result;
  }

  /** How many ids have a call in flight (for tests: nothing may be left behind). */
  get size(): number {
    return this.#tails.size;
  }
}

function ignore(): void {}
