/** Change listeners of a domain service (the rooms subscribe through the RoomAccess port). */
export class Listeners<E> {
  readonly #all = new Set<(e: E) => void>();

  /** Adds `listener`; returns its removal. */
  add(listener: (e: E) => void): () => void {
    this.#all.add(listener);
    return () => this.#all.delete(listener);
  }

  /** Tells every listener; a failing one (a room) must not undo or fail the change that already happened. */
  emit(e: E): void {
    for (const l of this.#all) {
      try {
        l(e);
      } catch {
        /* the room layer logs its own failures */
      }
    }
  }
}
