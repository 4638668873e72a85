/** Age in seconds (to a tenth) at `now` of the oldest Open story, accepted at `oldestOpenAt`; null when none is Open. */
export function oldestOpenAge(oldestOpenAt: number | null, now: number): number | null {
  return oldestOpenAt === null ? null : Math.max(0, Math.round((now - oldestOpenAt) / 100) / 10);
}

/** The cluster's oldest Open story is the oldest of its instances'. */
export function oldestOfAges(ages: readonly (number | null)[]): number | null {
  const known = ages.filter((age): age is number => age !== null);
  return known.length ? Math.max(...known) : null;
}
