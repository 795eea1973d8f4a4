/**
 * Keeps the calls on one id in call order when some take two round trips (a store
 * with an owner writes its index first; a touch of an owned session updates the
 * index first). A one-command call on an id with nothing pending goes out at once,
 * as before, in order with the rest on the connection; a call on an id that has a
 * multi-step call pending waits until every earlier one has settled. (A `store`
 * without an owner counts as multi-step: over a hash it takes a second round trip.)
 */
export class CallOrder {
  readonly #tails = new Map<string, Promise<void>>();

  run<T>(id: string, call: () => Promise<T>, multiStep: boolean): Promise<T> {
    const tail = this.#tails.get(id);
    if (tail === undefined && !multiStep) return call();
    const result = tail === undefined ? call() : tail.then(call);
    const forget = (): void => {
      if (this.#tails.get(id) === settled) this.#tails.delete(id);
    };
    const settled = result.then(forget, forget);
    this.#tails.set(id, settled);
    return result;
  }
}
