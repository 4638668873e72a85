import type { Redis } from 'ioredis';
import { OverloadedError } from '../shared/errors.js';
import { KEYS } from './keys.js';

// Open tasks held by the live instances (a heartbeat key each); reserve ARGV[2] for ARGV[1] if the
// total stays within ARGV[3]. Returns the total held before, or -1 when refused.
const RESERVE = `
local held = redis.call('HGETALL', KEYS[1])
local total = 0
for i = 1, #held, 2 do
  local id = held[i]
  if id == ARGV[1] or redis.call('EXISTS', ARGV[4] .. id) == 1 then
    total = total + tonumber(held[i + 1])
  else
    redis.call('HDEL', KEYS[1], id)
  end
end
if total + tonumber(ARGV[2]) > tonumber(ARGV[3]) then return -1 end
redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])
return total`;

/**
 * Admission control across the cluster: MAX_OPEN_TASKS bounds the Open tasks of all live instances
 * together, not each instance's alone. Each instance's share is a field in Redis, reserved atomically
 * per create and set to its true figure with every heartbeat; a dead instance's share stops counting
 * when its heartbeat expires (the instances that take over its stories count them as theirs).
 */
export class ClusterAdmission {
  constructor(
    private readonly redis: Redis,
    private readonly instance: string,
    private readonly maxOpenTasks: number,
  ) {}

  async reserve(tasks: number): Promise<void> {
    const before = (await this.redis.eval(RESERVE, 1, KEYS.held, this.instance, tasks, this.maxOpenTasks, KEYS.heartbeat(''))) as number;
    if (before < 0)
      throw new OverloadedError(
        `The cluster holds too many open tasks for ${tasks} more (its limit is ${this.maxOpenTasks}). Retry after 5 s`,
        5,
      );
  }

  /** This instance's true share (the reservations of creates that failed are gone from it then). */
  async sync(heldHere: number): Promise<void> {
    await this.redis.hset(KEYS.held, this.instance, heldHere);
  }
}
