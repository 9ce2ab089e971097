/**
 * Who is speaking: mediasoup's ActiveSpeakerObserver over the raw audio producers of a router.
 * The room decides who may be told (only those who hear that speaker).
 */
import type { types } from './mediasoup.js';

export class Speakers {
  #observer: types.ActiveSpeakerObserver | undefined;

  constructor(private readonly onDominant: (producer: types.Producer) => void) {}

  /** Adds an audio producer (it leaves by itself when it closes). */
  async add(router: types.Router, producer: types.Producer): Promise<void> {
    if (!this.#observer || this.#observer.closed) {
      this.#observer = await router.createActiveSpeakerObserver({ interval: 300 });
      this.#observer.on('dominantspeaker', ({ producer: p }) => this.onDominant(p));
    }
    await this.#observer.addProducer({ producerId: producer.id }).catch(() => undefined);
  }

  /** Forgets the observer (its router was replaced). */
  reset(): void {
    this.#observer = undefined;
  }
}
