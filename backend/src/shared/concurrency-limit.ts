import { OverloadedError } from './errors.js';

/** At most `max` calls at once, `maxWaiting` queued; beyond, OverloadedError at once, so a flood cannot pile up work. */
export class ConcurrencyLimit {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly max: number,
    private readonly maxWaiting: number,
    private readonly what: string,
  ) {}

  async run<T>(call: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) {
      if (this.waiting.length >= this.maxWaiting) throw new OverloadedError(`Too many ${this.what} in progress; retry in a moment`, 1);
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await call();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
