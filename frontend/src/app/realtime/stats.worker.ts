/// <reference lib="webworker" />
import { openLiveConnection, type LiveCommand, type LiveConnection } from './stats-connection';

let connection: LiveConnection | null = null;

// The main thread sends `connect` once, then token and watch updates; it stops the worker with terminate().
addEventListener('message', ({ data }: MessageEvent<LiveCommand>) => {
  switch (data.type) {
    case 'connect':
      connection?.close();
      connection = openLiveConnection(data.origin, data.token, (message) => postMessage(message));
      return;
    case 'token':
      connection?.setToken(data.token);
      return;
    case 'watch':
      connection?.watch(data.ids);
      return;
  }
});
