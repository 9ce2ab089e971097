/**
 * Results of read queries kept in this process until a write through the owning service
 * invalidates them. The service is one process (live rooms hold their state in memory), so the
 * services see every write; `ttlMs` only bounds how long a change made outside them (a seed or
 * an operator's manual fix) can stay unseen. Concurrent readers of one key share one query.
 */
export class ReadCache<T> {
  readonly #entries = new Map<string, { at: number; value: Promise<T> }>();

  constructor(
    private readonly ttlMs: number,
    /** Oldest entries are dropped past this many keys. */
    private readonly maxEntries = 500,
  ) {}

  /** The cached value of `key`, or the result of `load()` (cached unless it fails). */
  get(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.#entries.get(key);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.value;
    const value = load();
    this.#entries.delete(key);
    this.#entries.set(key, { at: Date.now(), value });
    if (this.#entries.size > this.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
    value.catch(() => {
      if (this.#entries.get(key)?.value === value) this.#entries.delete(key);
    });
    return value;
  }

  /** Forgets everything (called on every write the cached reads depend on). */
  invalidate(): void {
    this.#entries.clear();
  }
}
