/** Callbacks for one kind of event: `add` returns the way to stop listening; `emit` calls each in turn. */
export class Listeners<Args extends unknown[]> {
  private readonly set = new Set<(...args: Args) => void>();

  add(listener: (...args: Args) => void): () => void {
    this.set.add(listener);
    return () => void this.set.delete(listener);
  }

  get size(): number {
    return this.set.size;
  }

  emit(...args: Args): void {
    for (const listener of this.set) listener(...args);
  }
}
