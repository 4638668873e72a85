import type { Connection } from 'mongoose';
import type { Logger } from '../logger.js';
import type { Clock } from '../shared/clock.js';
import { HealthProbe } from '../shared/health-probe.js';

/** Whether the database answers (a ping each second), so requests fail fast with 503 rather than each wait out its deadline. */
export class DatabaseHealth extends HealthProbe {
  constructor(connection: Connection, clock: Clock, logger: Logger, deadlineMs: number, intervalMs = 1000) {
    super(
      async () => {
        const db = connection.db;
        if (!db) throw new Error('not connected');
        return db.command({ ping: 1 });
      },
      clock,
      { intervalMs, deadlineMs },
      (ok) =>
        ok
          ? logger.info('database answers again')
          : logger.error({ deadlineMs }, 'database did not answer a ping in time: reporting it unavailable'),
    );
  }
}
