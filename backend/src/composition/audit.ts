import type { AuditEndpoints } from '../http/endpoints.js';
import type { Logger } from '../logger.js';
import type { Clock } from '../shared/clock.js';
import type { Lifecycle } from '../shared/lifecycle.js';
import { Periodic } from '../shared/periodic.js';
import type { Storage } from './storage.js';

const TRIM_EVERY_MS = 600_000;

/**
 * The audit log's two sides for the HTTP edge: a record per operator action, written when it is answered
 * (a record the database refuses is logged, not retried: the action was answered already), and its pages;
 * trimmed to its bounds every ten minutes.
 */
export function startAudit(storage: Storage, instance: string, clock: Clock, logger: Logger, lifecycle: Lifecycle): AuditEndpoints {
  const { audit } = storage;
  const trim = new Periodic(
    () => audit.trim(clock.now()).catch((error: unknown) => logger.warn({ err: error }, 'could not trim the audit log; will retry')),
    TRIM_EVERY_MS,
    clock,
  );
  trim.start();
  lifecycle.started('audit trim', () => trim.stop());
  return {
    record: (entry) => {
      const record = { ...entry, role: 'operator' as const, at: new Date(clock.now()), instance };
      audit.record(record).catch((error: unknown) => logger.error({ err: error, audit: record }, 'could not record an operator action'));
    },
    page: (query) => audit.page(query),
  };
}
