/** The running parts in start order; `stop` stops them in reverse, so none outlives what it uses; one failing does not stop the rest. */
export class Lifecycle {
  private readonly parts: { name: string; stop: () => unknown }[] = [];
  private stopping: Promise<void> | null = null;

  constructor(private readonly onStopFailed: (part: string, error: unknown) => void) {}

  /** Registers a part that has just started. */
  started(name: string, stop: () => unknown): void {
    if (this.stopping) throw new Error(`'${name}' started while the server is stopping`);
    this.parts.push({ name, stop });
  }

  /** The names in stop order (for logs and tests). */
  get stopOrder(): string[] {
    return this.parts.map((part) => part.name).reverse();
  }

  /** Stops every part, last started first; later calls get the same promise. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const part of [...this.parts].reverse()) {
        try {
          await part.stop();
        } catch (error) {
          this.onStopFailed(part.name, error);
        }
      }
    })();
    return this.stopping;
  }
}
