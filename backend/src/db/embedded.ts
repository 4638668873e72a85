import { mkdirSync } from 'node:fs';
import type { DbMode } from '@storyflow/contracts';
import type { Logger } from '../logger.js';
import { startJongodb, type RunningDatabase } from './jongodb.js';

export interface DatabaseHandle extends RunningDatabase {
  mode: DbMode;
  /** Whether data outlives the process. */
  durable: boolean;
}

/**
 * The default database when MONGODB_URI is unset: a real mongod (via mongodb-memory-server-core,
 * persistent dbPath) when a binary is cached or downloadable, else the in-memory jongodb server.
 */
export async function startEmbeddedDatabase(options: {
  preference: 'auto' | 'mongod' | 'memory';
  dataDir: string;
  /** Heap of the in-memory server, MB. */
  memoryMb: number;
  logger: Logger;
}): Promise<DatabaseHandle> {
  const { preference, dataDir, logger } = options;
  if (preference !== 'memory') {
    try {
      return await startMongod(dataDir, logger);
    } catch (error) {
      if (preference === 'mongod') throw error;
      logger.info({ reason: (error as Error).message.split('\n')[0] }, 'no mongod binary available; using the in-memory database');
    }
  }
  const db = await startJongodb({ heapMb: options.memoryMb });
  logger.warn(
    'Embedded in-memory database: data lasts only while the server runs. ' +
      'For durable storage set MONGODB_URI to a MongoDB server, or run `docker compose up -d`.',
  );
  return { ...db, mode: 'embedded-memory', durable: false };
}

async function startMongod(dataDir: string, logger: Logger): Promise<DatabaseHandle> {
  // Imported lazily: the package is only needed on this path.
  const { MongoBinary, MongoMemoryServer } = await import('mongodb-memory-server-core');
  const dbPath = `${dataDir}/mongod`;
  mkdirSync(dbPath, { recursive: true });
  logger.info({ dbPath }, 'starting embedded mongod (the first start downloads the binary once)');
  // Find or download the binary first: that fails quietly offline, where create() would print a stack trace.
  const binary = await MongoBinary.getPath();
  const server = await MongoMemoryServer.create({ instance: { dbPath, storageEngine: 'wiredTiger' }, binary: { systemBinary: binary } });
  return {
    uri: server.getUri(),
    mode: 'embedded-mongod',
    durable: true,
    stop: async () => {
      await server.stop({ doCleanup: false });
    },
  };
}
