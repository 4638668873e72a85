/**
 * Group commit without a timer: items arriving while a write is in flight go out together in the next. A failure `failsAll`
 * recognises (unreachable) fails the items queued behind it at once, rather than each waiting out its timeout.
 */
export class GroupCommit<T> {
  private queue: { item: T; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private draining = false;

  /** @param write writes a batch; returns each item's error (or null); a throw fails the whole batch. */
  constructor(
    private readonly write: (items: T[]) => Promise<(Error | null)[]>,
    private readonly maxBatch = 500,
    private readonly failsAll: (error: unknown) => boolean = () => false,
  ) {}

  submit(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          const errors = await this.write(batch.map((b) => b.item));
          batch.forEach((b, i) => (errors[i] ? b.reject(errors[i]) : b.resolve()));
        } catch (error) {
          for (const b of batch) b.reject(error);
          if (this.failsAll(error)) for (const b of this.queue.splice(0)) b.reject(error);
        }
      }
    } finally {
      this.draining = false;
    }
  }
}
