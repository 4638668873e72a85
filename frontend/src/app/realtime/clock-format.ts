/** HH:MM:SS of an epoch-ms time, local (the charts' labels). On its own: screens import it without the stats schemas. */
export function formatClock(t: number): string {
  const d = new Date(t);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * The label of a chart step of `stepSec` seconds: HH:MM:SS under a minute, HH:MM under half an hour, else the day with it
 * ("7 Dec 14:30"), for ranges of days.
 */
export function stepLabel(stepSec: number): (t: number) => string {
  if (stepSec < 60) return formatClock;
  return (t) => {
    const clock = formatClock(t).slice(0, 5); // HH:MM
    if (stepSec < 1800) return clock;
    const d = new Date(t);
    return `${d.getDate()} ${MONTHS[d.getMonth()]} ${clock}`;
  };
}
