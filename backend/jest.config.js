import integration from './jest.integration.config.js';
import unit from './jest.unit.config.js';

/**
 * Both backend tiers in one run (`npm test -w backend`, or `npx jest <file>` from here): the unit and the
 * integration tests as two Jest projects, each with its own setup (no I/O / a database server per worker).
 * @type {import('jest').Config}
 */
export default {
  projects: [
    { ...unit, displayName: 'unit' },
    { ...integration, displayName: 'integration' },
  ],
  maxWorkers: 2,
  testTimeout: 60_000,
  verbose: true,
};
