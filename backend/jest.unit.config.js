import base from './jest.base.js';

/**
 * Unit tier: pure modules on fake clocks, no database, no network, no child process. A setup file makes any
 * attempt to open a connection, listen or spawn fail the test, so nothing with I/O slips into this tier.
 * @type {import('jest').Config}
 */
export default {
  ...base,
  roots: ['<rootDir>/test/unit'],
  setupFiles: ['<rootDir>/test/support/no-io.ts'],
  // CPU-bound and independent: as many workers as cores (the frontend's unit tests may share them).
  maxWorkers: 2,
};
