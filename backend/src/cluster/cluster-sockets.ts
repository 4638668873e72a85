import type { Redis } from 'ioredis';
import { LocalConnectionBudget, type ConnectionBudget } from '../access/client-address.js';
import { KEYS } from './keys.js';
import type { RedisGate } from './redis-gate.js';

// Count a client's sockets over the live instances; take one more if under ARGV[3].
const ACQUIRE = `
local open = redis.call('HGETALL', KEYS[1])
local total = 0
for i = 1, #open, 2 do
  if open[i] == ARGV[1] or redis.call('EXISTS', ARGV[2] .. open[i]) == 1 then
    total = total + tonumber(open[i + 1])
  else
    redis.call('HDEL', KEYS[1], open[i])
  end
end
if total >= tonumber(ARGV[3]) then return 0 end
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('PEXPIRE', KEYS[1], 86400000)
return 1`;

/** How long a client's count is still written after its last change. */
const SETTLE_MS = 30_000;

/**
 * MAX_SOCKETS_PER_CLIENT across the live instances. Redis away: counted here alone (fails open to a local cap, never refuses for
 * Redis's sake). Redis's count of ours can drift; `sync` sets it to what this instance really holds.
 */
export class ClusterConnectionBudget implements ConnectionBudget {
  private readonly local: LocalConnectionBudget;
  /** The sockets this instance holds, per client, however they were admitted. */
  private readonly held = new Map<string, number>();
  /** Clients whose count changed lately (when), kept SETTLE_MS so a reservation that landed late is put right by `sync`. */
  private readonly changed = new Map<string, number>();

  constructor(
    private readonly redis: Redis,
    private readonly gate: RedisGate,
    private readonly instance: string,
    readonly maxPerClient: number,
  ) {
    this.local = new LocalConnectionBudget(maxPerClient);
  }

  async acquire(client: string): Promise<(() => void) | null> {
    this.changed.set(client, Date.now());
    let release: (() => void) | null;
    try {
      const ok = await this.gate.run(
        async () => (await this.redis.eval(ACQUIRE, 1, KEYS.sockets(client), this.instance, KEYS.heartbeat(''), this.maxPerClient)) === 1,
      );
      release = ok ? () => void this.redis.hincrby(KEYS.sockets(client), this.instance, -1).catch(() => undefined) : null;
    } catch {
      release = await this.local.acquire(client);
    }
    return release && this.holding(client, release);
  }

  /** Writes this instance's true count of each client that holds sockets here or changed lately. */
  async sync(): Promise<void> {
    const clients = [...new Set([...this.held.keys(), ...this.changed.keys()])];
    if (!clients.length) return;
    const pipeline = this.redis.pipeline();
    for (const client of clients) {
      const n = this.held.get(client) ?? 0;
      if (n) pipeline.hset(KEYS.sockets(client), this.instance, n).pexpire(KEYS.sockets(client), 86_400_000);
      else pipeline.hdel(KEYS.sockets(client), this.instance);
    }
    await this.gate.run(() => pipeline.exec());
    const settledBefore = Date.now() - SETTLE_MS;
    for (const [client, at] of this.changed) if (at < settledBefore) this.changed.delete(client);
  }

  /** Counts a socket admitted for `client` until its release (called once, however often). */
  private holding(client: string, release: () => void): () => void {
    this.held.set(client, (this.held.get(client) ?? 0) + 1);
    this.changed.set(client, Date.now());
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.held.get(client) ?? 1) - 1;
      if (left > 0) this.held.set(client, left);
      else this.held.delete(client);
      this.changed.set(client, Date.now());
      release();
    };
  }
}
