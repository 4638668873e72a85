/// <reference lib="webworker" />
import { openStatsConnection, type StatsCommand, type StatsConnection } from './stats-connection';

let connection: StatsConnection | null = null;

addEventListener('message', ({ data }: MessageEvent<StatsCommand>) => {
  if (data.type === 'connect') {
    connection?.close();
    connection = openStatsConnection(data.origin, (view) => postMessage(view));
  } else if (data.type === 'disconnect') {
    connection?.close();
    connection = null;
  }
});
