import type { Config } from '../config.js';
import { connectDatabase, isConnected } from '../db/connection.js';
import { DatabaseHealth } from '../db/database-health.js';
import { DbGate } from '../db/db-gate.js';
import { startEmbeddedDatabase, type DatabaseHandle } from '../db/embedded.js';
import { isStandIn } from '../db/server-kind.js';
import { storageProfile } from '../db/storage-profile.js';
import type { Logger } from '../logger.js';
import type { Clock } from '../shared/clock.js';
import type { Lifecycle } from '../shared/lifecycle.js';
import { Listeners } from '../shared/listeners.js';
import { AuditLog } from '../audit/audit-log.js';
import { History } from '../stats/history.js';
import { StoredRollups } from '../stats/history-rollups.js';
import { HistoryStore } from '../stats/history-store.js';
import { RemovalJournal } from '../stories/removal-journal.js';
import { IdempotencyKeys } from '../stories/idempotency-keys.js';
import { MemoryPurgedKeys, StoredPurgedKeys } from '../stories/purged-keys.js';
import { StoryLedger } from '../stories/story-ledger.js';
import { storyModels } from '../stories/story.model.js';
import { StoryRepository } from '../stories/story.repository.js';
import { StoredTotalsReader } from '../stories/stored-totals.js';

/**
 * The database and everything that talks to it; commands sent are announced on `commands`. An embedded server that exits unasked
 * is reported to `onLost` (the server cannot go on without it).
 */
export async function startStorage(config: Config, logger: Logger, clock: Clock, lifecycle: Lifecycle, onLost: (reason: string) => void) {
  const database: DatabaseHandle = config.db.uri
    ? { uri: config.db.uri, mode: 'external', durable: true, stop: async () => {} }
    : await startEmbeddedDatabase({ preference: config.db.embedded, dataDir: config.db.dataDir, memoryMb: config.db.memoryMb, logger });
  database.onExit?.(onLost);
  lifecycle.started('database', () => database.stop());
  const commands = new Listeners<[name: string, command: Record<string, unknown>]>();
  const connection = await connectDatabase(database.uri, config.db.dbName, config.db.timeoutMs, logger, (name, command) =>
    commands.emit(name, command),
  );
  lifecycle.started('database connection', async () => {
    connection.removeAllListeners('disconnected');
    await connection.close();
  });
  // A ping answers in milliseconds: one that takes seconds means a hung database.
  const health = new DatabaseHealth(connection, clock, logger, Math.min(config.db.timeoutMs, 2000));
  health.start();
  lifecycle.started('database health check', () => health.stop());
  const gate = new DbGate(config.db.timeoutMs, () => health.available);
  const profile = storageProfile(
    database.mode,
    { retentionDoneSeconds: config.retentionDoneSeconds, maxDoneTasks: config.retentionMaxDoneTasks, memoryMb: config.db.memoryMb },
    await isStandIn(connection),
  );
  const models = storyModels(connection);
  const repository = new StoryRepository(models, gate, profile);
  const purgedKeys =
    profile.purgedKeys === 'database'
      ? new StoredPurgedKeys(models, gate)
      : new MemoryPurgedKeys(profile.purgedKeys.memory, () => clock.now());
  const keys = new IdempotencyKeys(models, gate, purgedKeys);
  const journal = new RemovalJournal(models, gate, config.cluster?.instanceId, (ids) => keys.keepPurged(ids));
  const seconds = new HistoryStore(connection, gate);
  const rollups = new StoredRollups(connection, gate);
  const audit = new AuditLog(connection, gate);
  await repository.ensureIndexes();
  await keys.ensureIndexes();
  await seconds.ensureIndexes();
  await rollups.ensureIndexes();
  await audit.ensureIndexes();
  return {
    database,
    profile,
    commands,
    repository,
    keys,
    totals: new StoredTotalsReader(models, gate),
    ledger: new StoryLedger(repository, journal),
    history: new History(seconds, rollups),
    audit,
    /** Connected, and the health check's pings answer. */
    available: () => isConnected(connection) && health.available,
    /** The health check alone: its pings answer (settling unknown writes waits for it). */
    pinging: () => health.available,
  };
}

export type Storage = Awaited<ReturnType<typeof startStorage>>;
