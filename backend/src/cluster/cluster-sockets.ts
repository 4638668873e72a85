import type { Redis } from 'ioredis';
import type { ConnectionBudget } from '../access/client-address.js';
import { KEYS } from './keys.js';

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

/** MAX_SOCKETS_PER_CLIENT across the cluster: a client's sockets counted on every live instance. */
export class ClusterConnectionBudget implements ConnectionBudget {
  constructor(
    private readonly redis: Redis,
    private readonly instance: string,
    readonly maxPerClient: number,
  ) {}

  async acquire(client: string): Promise<(() => void) | null> {
    const ok = (await this.redis.eval(ACQUIRE, 1, KEYS.sockets(client), this.instance, KEYS.heartbeat(''), this.maxPerClient)) === 1;
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
