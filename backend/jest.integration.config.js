import base from './jest.base.js';

/**
 * Integration tier: the real server against a real MongoDB-wire server, over HTTP, Socket.IO and WebSocket;
 * nginx, Redis, child processes. Files are independent (each uses databases of its own), so two run at once,
 * each worker with a database server of its own (see test/support/global-setup.js).
 * @type {import('jest').Config}
 */
export default {
  ...base,
  roots: ['<rootDir>/test/integration'],
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
  maxWorkers: 2,
};
