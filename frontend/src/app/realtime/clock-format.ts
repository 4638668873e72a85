/** HH:MM:SS of an epoch-ms time, local (the charts' labels). On its own: screens import it without the stats schemas. */
export function formatClock(t: number): string {
  const d = new Date(t);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
