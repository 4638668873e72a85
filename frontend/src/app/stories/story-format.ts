import type { StorySummaryDto } from '@storyflow/contracts';

/** "1 task", "2 tasks". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** The title, or a short id for untitled stories (e.g. the generator's). */
export function storyName(story: Pick<StorySummaryDto, 'id' | 'title'>): string {
  return story.title ?? `Story …${story.id.slice(-6)}`;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Human duration: `850 ms`, `12.3 s`, `4 min 05 s`, `2 h 05 min`, `3 d 4 h`, `over a year`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < MINUTE) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const pad = (x: number) => String(x).padStart(2, '0');
  if (ms < HOUR) {
    const totalSec = Math.round(ms / 1000);
    return `${Math.floor(totalSec / 60)} min ${pad(totalSec % 60)} s`;
  }
  if (ms < DAY) {
    const totalMin = Math.round(ms / MINUTE);
    return `${Math.floor(totalMin / 60)} h ${pad(totalMin % 60)} min`;
  }
  if (ms < 365 * DAY) {
    const totalHours = Math.round(ms / HOUR);
    return `${Math.floor(totalHours / 24)} d ${totalHours % 24} h`;
  }
  return 'over a year';
}

/** A coarse duration for live counters (no milliseconds, no decimals): `8 s`, `4 min 05 s`. */
export function formatElapsed(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '–';
  if (ms < MINUTE) return `${Math.floor(ms / 1000)} s`;
  return formatDuration(ms);
}
