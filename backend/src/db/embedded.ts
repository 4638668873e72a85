import { mkdirSync } from 'node:fs';
import type { DbMode } from '@storyflow/contracts';
import type { Logger } from '../logger.js';
import { startJongodb, type RunningDatabase } from './jongodb.js';

export interface DatabaseHandle extends RunningDatabase {
  mode: DbMode;
  /** Whether data outlives the process. */
  durable: boolean;
}

/** Without MONGODB_URI: a real mongod (persistent dbPath) when a binary is cached or downloadable, else jongodb. */
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
  return {
    ...db,
    mode: 'embedded-memory',
    durable: false,
    onExit: (listener) => db.onExit?.((why) => listener(`The embedded in-memory database exited (${why}): every story it held is lost.`)),
  };
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
  const child = server.instanceInfo?.instance.mongodProcess;
  let stopping = false;
  return {
    uri: server.getUri(),
    mode: 'embedded-mongod',
    durable: true,
    pid: child?.pid,
    onExit: (listener) =>
      child?.once('exit', (code, signal) => {
        if (!stopping)
          listener(
            `The embedded mongod exited with ${signal ? `signal ${signal}` : `code ${code}`}; its stories are kept in ${dbPath} and resume at the next start.`,
          );
      }),
    stop: async () => {
      stopping = true;
      await server.stop({ doCleanup: false });
    },
  };
}
