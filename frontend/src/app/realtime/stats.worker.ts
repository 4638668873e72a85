/// <reference lib="webworker" />
import { openStatsConnection, type StatsCommand, type StatsConnection } from './stats-connection';

let connection: StatsConnection | null = null;

// The main thread sends `connect` once and stops the worker with terminate().
addEventListener('message', ({ data }: MessageEvent<StatsCommand>) => {
  connection?.close();
  connection = openStatsConnection(data.origin, (view) => postMessage(view));
});
