import mongoose, { type Connection } from 'mongoose';
import type { Logger } from '../logger.js';

/** One Mongoose connection. `autoCreate: false`: the in-memory server has no `create` command; indexes are made explicitly. */
export async function connectDatabase(
  uri: string,
  dbName: string,
  timeoutMs: number,
  logger: Logger,
  /** Observability hook: sees every command sent (tests count writes per story with it). */
  onCommand?: (commandName: string, command: Record<string, unknown>) => void,
): Promise<Connection> {
  const connection = mongoose.createConnection(uri, {
    dbName,
    autoCreate: false,
    autoIndex: false,
    serverSelectionTimeoutMS: timeoutMs,
    // A hung server must not hold a request: each wait of the driver is bounded (DbGate bounds the whole call).
    connectTimeoutMS: timeoutMs,
    socketTimeoutMS: timeoutMs,
    waitQueueTimeoutMS: timeoutMs,
    // No retry behind our back: a write we answered 503 for must not land much later (we retry and settle ourselves).
    retryWrites: false,
    // Notice an outage within a few seconds, so /api/health reports it.
    heartbeatFrequencyMS: Math.min(timeoutMs, 5000),
    // No Mongoose queueing: unreachable, server selection times out after timeoutMs and the request gets a 503.
    bufferCommands: false,
    monitorCommands: onCommand !== undefined,
    // Metrics count commands; the event costs little next to the command itself.
  });
  if (onCommand) connection.getClient().on('commandStarted', (e) => onCommand(e.commandName, e.command as Record<string, unknown>));
  // Unexpected drops only: a deliberate close() removes this listener first.
  connection.on('disconnected', () => logger.warn('database disconnected'));
  connection.on('reconnected', () => logger.info('database reconnected'));
  await connection.asPromise();
  return connection;
}

export function isConnected(connection: Connection): boolean {
  return connection.readyState === mongoose.ConnectionStates.connected;
}
