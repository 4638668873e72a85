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

/**
 * MAX_SOCKETS_PER_CLIENT across the cluster: a client's sockets counted on every live instance. While Redis
 * is away, counted on this instance alone (a cap may fail open to a local one; a connection is never refused
 * for Redis's sake).
 */
export class ClusterConnectionBudget implements ConnectionBudget {
  private readonly local: LocalConnectionBudget;

  constructor(
    private readonly redis: Redis,
    private readonly gate: RedisGate,
    private readonly instance: string,
    readonly maxPerClient: number,
  ) {
    this.local = new LocalConnectionBudget(maxPerClient);
  }

  async acquire(client: string): Promise<(() => void) | null> {
    let ok: boolean;
    try {
      ok = await this.gate.run(
        async () => (await this.redis.eval(ACQUIRE, 1, KEYS.sockets(client), this.instance, KEYS.heartbeat(''), this.maxPerClient)) === 1,
      );
    } catch {
      return this.local.acquire(client);
    }
    if (!ok) return null;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // Best effort: if Redis is away, the count is corrected when this instance's heartbeat lapses.
      this.redis.hincrby(KEYS.sockets(client), this.instance, -1).catch(() => undefined);
    };
  }
}
