import type { HealthDto } from '@storyflow/contracts';

/**
 * What /api/health says: `unavailable` (503) only when this instance cannot serve (database away, stopping). Redis trouble is
 * `degraded` (200): all instances share it, so failing readiness for it would take them all out of the proxy at once.
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
