import type { Redis } from 'ioredis';
import { OverloadedError } from '../shared/errors.js';
import { KEYS } from './keys.js';
import type { RedisGate } from './redis-gate.js';

// Open tasks held by the live instances (a heartbeat key each); for each amount ARGV[4..], in order,
// reserves it for ARGV[1] if the total stays within ARGV[2]. Returns 1 (reserved) or 0 per amount.
const RESERVE_EACH = `
local held = redis.call('HGETALL', KEYS[1])
local total = 0
for i = 1, #held, 2 do
  local id = held[i]
  if id == ARGV[1] or redis.call('EXISTS', ARGV[3] .. id) == 1 then
    total = total + tonumber(held[i + 1])
  else
    redis.call('HDEL', KEYS[1], id)
  end
end
local limit = tonumber(ARGV[2])
local added = 0
local admitted = {}
for i = 4, #ARGV do
  local tasks = tonumber(ARGV[i])
  if total + added + tasks <= limit then
    added = added + tasks
    admitted[#admitted + 1] = 1
  else
    admitted[#admitted + 1] = 0
  end
end
if added > 0 then redis.call('HINCRBY', KEYS[1], ARGV[1], added) end
return admitted`;

// Our share moves by ARGV[2] if it exists (reservations sent before this still land in it), else is
// set to ARGV[3] (another instance dropped it while our heartbeat had lapsed).
const ADJUST = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then
  redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])
else
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
end`;

/**
 * MAX_OPEN_TASKS over all live instances: each one's share is a field in Redis, reserved atomically per create and corrected with
 * every heartbeat (a dead instance's stops counting with it). Sent on one connection, so applied in order: while reservations are
 * unanswered a correction moves the share by what it knows; with none in flight it sets it, repairing any drift.
 */
export class ClusterAdmission {
  /** Tasks of reservations sent and not answered yet. */
  private inFlight = 0;
  /** Our share as Redis holds it, as far as the answers received tell. */
  private published = 0;

  constructor(
    private readonly redis: Redis,
    private readonly gate: RedisGate,
    private readonly instance: string,
    private readonly maxOpenTasks: number,
  ) {}

  /**
   * Reserves `tasks` of the cluster's bound, or throws OverloadedError after `giveBack` (the caller's local reservation). Redis away:
   * CoordinationUnavailableError (admitting alone could over-admit); a reservation landing after its deadline is undone by `sync`.
   */
  async reserve(tasks: number, giveBack: () => void): Promise<void> {
    const [refusal] = await this.reserveEach([tasks]).catch((error: unknown) => {
      giveBack();
      throw error;
    });
    if (!refusal) return;
    giveBack();
    throw refusal;
  }

  /** A batch in one script, in order: null when reserved, else the refusal. Throws (nothing reserved) while Redis is away. */
  async reserveEach(tasks: number[]): Promise<(OverloadedError | null)[]> {
    const sum = tasks.reduce((a, b) => a + b, 0);
    this.inFlight += sum;
    let admitted: number[];
    try {
      admitted = await this.gate.run(
        async () =>
          (await this.redis.eval(RESERVE_EACH, 1, KEYS.held, this.instance, this.maxOpenTasks, KEYS.heartbeat(''), ...tasks)) as number[],
      );
    } finally {
      this.inFlight -= sum;
    }
    tasks.forEach((n, i) => {
      if (admitted[i] === 1) this.published += n;
    });
    return tasks.map((n, i) => (admitted[i] === 1 ? null : this.refusal(n)));
  }

  private refusal(tasks: number): OverloadedError {
    const message = `The cluster holds too many open tasks for ${tasks} more (its limit is ${this.maxOpenTasks}). Retry after 5 s`;
    return new OverloadedError(message, 5);
  }

  /** Publishes our true share: `heldHere` counts the Open tasks held here, reservations in flight included. */
  async sync(heldHere: number): Promise<void> {
    const share = Math.max(0, heldHere - this.inFlight);
    const change = share - this.published;
    this.published = share;
    if (this.inFlight === 0) await this.redis.hset(KEYS.held, this.instance, share);
    else await this.redis.eval(ADJUST, 1, KEYS.held, this.instance, change, share);
  }
}
