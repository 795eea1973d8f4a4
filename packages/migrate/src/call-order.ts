/**
 * Runs the calls on one id one after another, in call order: a migrating call is
 * several steps on two stores, and without this a revoke called after a store could
 * land before it. Calls on different ids run at once; an id is forgotten once idle.
 */
export class CallOrder {
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
}

const ignore = () => undefined;
