import type { HealthDto } from '@storyflow/contracts';

/**
 * What /api/health says. Readiness: `unavailable` (503) only when this instance cannot serve (its database
 * is away, or it is stopping). Redis trouble is `degraded` (200): every instance shares the one Redis, so a
 * readiness that failed for it would take them all out of the proxy at once, where a 503 per request that
 * needs Redis (a create, a pause) leaves every other request served.
 */
export function healthVerdict(state: {
  database: boolean;
  redis: boolean | null;
  accepting: boolean;
}): Pick<HealthDto, 'status' | 'problems'> {
  const problems = [
    ...(state.database ? [] : ['database: unavailable']),
    ...(state.redis === false ? ['redis: unavailable'] : []),
    ...(state.accepting ? [] : ['stopping']),
  ];
  const status = !state.database || !state.accepting ? 'unavailable' : problems.length ? 'degraded' : 'ok';
  return { status, problems };
}
