import type { GeneratorHold } from './generator';

/**
 * The generator's hold in words, with the time left. `now` ticks every second, on the second: until
 * its next tick, the wait counts from when it began (a 7 s wait reads "7 s", not the 8 s since the tick).
 */
export function describeHold(hold: GeneratorHold, now: number): string {
  const left = Math.max(0, Math.ceil((hold.until - Math.max(now, hold.at)) / 1000));
  if (hold.reason === 'backoff') return left > 0 ? `waiting ${left} s: the server asked to slow down` : 'trying again';
  const since = new Date(hold.since);
  const pad = (n: number) => String(n).padStart(2, '0');
  const at = `${pad(since.getHours())}:${pad(since.getMinutes())}:${pad(since.getSeconds())}`;
  return `paused: server unreachable since ${at}${left > 0 ? `, next try in ${left} s` : ', trying'}`;
}
