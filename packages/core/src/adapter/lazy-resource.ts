/**
 * Something a store makes on first use (a connection, a table, an index): every
 * caller shares one attempt in progress; a failed attempt is forgotten, so the next
 * call tries again, and a successful one is kept for good.
 */
export class LazyResource<T> {
  readonly #make: () => Promise<T>;
  #pending: Promise<T> | undefined;
  #ready = false;

  constructor(make: () => Promise<T>) {
    this.#make = make;
  }

  /** Whether an attempt has succeeded: callers may skip `get()` on a hot path. */
  get ready(): boolean {
    return this.#ready;
  }

  get(): Promise<T> {
    this.#pending ??= this.#make().then(
      (value) => {
        this.#ready = true;
        return value;
      },
      (error: unknown) => {
        this.#pending = undefined;
        throw error;
      },
    );
    return this.#pending;
  }
}
