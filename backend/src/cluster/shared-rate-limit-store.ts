import { MemoryStore, type ClientRateLimitInfo, type IncrementResponse, type Options, type Store } from 'express-rate-limit';
import type { RedisGate } from './redis-gate.js';

/**
 * Rate limits counted in Redis while it answers; Redis away, in memory (fails open to a local limit: each instance lets a client
 * through at the full rate). Never an error, never a wait beyond the gate's deadline.
 */
export class SharedOrLocalStore implements Store {
  readonly localKeys = false;
  private readonly local = new MemoryStore();
  private options: Options | undefined;
  /** The shared store's setup (it loads its scripts): tried again after a failure. */
  private sharedReady: Promise<void> | null = null;

  constructor(
    private readonly shared: Store,
    private readonly gate: RedisGate,
  ) {}

  init(options: Options): void {
    this.options = options;
    this.local.init(options);
  }

  async increment(key: string): Promise<IncrementResponse> {
    return this.either(
      () => this.shared.increment(key),
      () => this.local.increment(key),
    );
  }

  async decrement(key: string): Promise<void> {
    await this.either(
      () => this.shared.decrement(key),
      () => this.local.decrement(key),
    );
  }

  async resetKey(key: string): Promise<void> {
    await this.local.resetKey(key);
    await this.gate.run(async () => this.shared.resetKey(key)).catch(() => undefined);
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    return this.either(
      async () => this.shared.get?.(key),
      () => this.local.get(key),
    );
  }

  shutdown(): void {
    this.local.shutdown();
  }

  private async either<T>(shared: () => Promise<T> | T, local: () => Promise<T> | T): Promise<T> {
    if (!this.gate.available) return local();
    try {
      return await this.gate.run(async () => {
        await this.ready();
        return shared();
      });
    } catch {
      return local();
    }
  }

  private ready(): Promise<void> {
    if (!this.sharedReady) {
      const setup = Promise.resolve(this.options && this.shared.init?.(this.options));
      this.sharedReady = setup;
      setup.catch(() => (this.sharedReady = null));
    }
    return this.sharedReady;
  }
}
