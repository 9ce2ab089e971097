/**
 * The audit chain's write queue. Appends are serialised (each event carries the MAC of the one
 * before), in two lanes: events of signed-in users, participants and the system (room controls,
 * session transitions, record changes) go first; anonymous events (failed logins) wait behind
 * them and are bounded: past `limit` waiting, further anonymous events are counted instead of
 * queued and appended as one `audit.aggregated` event (counts per action, outcome and reason)
 * once the queue is empty again. A flood of
 * anonymous traffic therefore costs neither memory nor the delay of any room control.
 */

/** One event to write, as the queue sees it. */
export interface QueuedEvent {
  /** Lane: anonymous events are bounded and go last. */
  readonly anonymous: boolean;
  /** Key under which an overflowing event is counted: `action:outcome:reason`. */
  readonly aggregateKey: string;
}

interface Job<E> {
  readonly event: E;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/** Counts of anonymous events that found the lane full, since `since`. */
export interface Aggregate {
  readonly since: Date;
  readonly counts: Record<string, number>;
}

/** Serialises `write` over queued events; see the module comment. */
export class AppendQueue<E extends QueuedEvent> {
  readonly #first: Job<E>[] = [];
  readonly #anonymous: Job<E>[] = [];
  #aggregate: { since: Date; counts: Map<string, number> } | undefined;
  #running: Promise<void> | undefined;

  constructor(
    private readonly write: (event: E) => Promise<void>,
    /** Writes the summary of anonymous events that did not fit. */
    private readonly writeAggregate: (a: Aggregate) => Promise<void>,
    /** Most anonymous events waiting at once. */
    private readonly limit: number,
  ) {}

  /** Anonymous events waiting (tests and the flood test read it). */
  get anonymousWaiting(): number {
    return this.#anonymous.length;
  }

  /**
   * Queues one event; resolves once it is written, or at once when an anonymous event is only
   * counted for the aggregate.
   */
  push(event: E): Promise<void> {
    if (event.anonymous && this.#anonymous.length >= this.limit) {
      this.#aggregate ??= { since: new Date(), counts: new Map() };
      this.#aggregate.counts.set(event.aggregateKey, (this.#aggregate.counts.get(event.aggregateKey) ?? 0) + 1);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      (event.anonymous ? this.#anonymous : this.#first).push({ event, resolve, reject });
      this.#running ??= this.#run();
    });
  }

  async #run(): Promise<void> {
    for (;;) {
      const job = this.#first.shift() ?? this.#anonymous.shift();
      if (job) {
        await this.write(job.event).then(job.resolve, job.reject);
        continue;
      }
      const aggregate = this.#aggregate;
      if (!aggregate) break;
      this.#aggregate = undefined;
      await this.writeAggregate({ since: aggregate.since, counts: Object.fromEntries(aggregate.counts) }).catch(() => {
        // Put the counts back: they are written with the next aggregate.
        for (const [k, n] of aggregate.counts) {
          this.#aggregate ??= { since: aggregate.since, counts: new Map() };
          this.#aggregate.counts.set(k, (this.#aggregate.counts.get(k) ?? 0) + n);
        }
      });
      if (this.#aggregate) break;
    }
    this.#running = undefined;
  }

  /** Resolves once nothing is queued or being written. */
  async drain(): Promise<void> {
    while (this.#running) await this.#running;
  }
}
