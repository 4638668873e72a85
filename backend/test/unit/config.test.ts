import { isAbsolute } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { DEFAULT_STORY_LIMITS } from '@storyflow/contracts';
import { loadConfig } from '../../src/config.js';
import { because } from '../support/because.js';

/** The error message loadConfig throws for `env`, or '' if it does not throw. */
function errorOf(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
    return '';
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

describe('loadConfig', () => {
  it('has a default for every setting', () => {
    const c = loadConfig({});
    expect(c.env).toBe('development');
    expect(c.host).toBe('127.0.0.1');
    expect(c.port).toBe(3000);
    expect(c.logLevel).toBe('info');
    expect(c.db.uri).toBeUndefined();
    expect(c.db.dbName).toBe('storyflow');
    expect(c.db.embedded).toBe('auto');
    expect(c.db.dataDir).toMatch(/[/\\]data$/);
    expect(c.bodyLimit).toBe('1mb');
    expect(c.limits).toEqual(DEFAULT_STORY_LIMITS);
    expect(c.pool).toEqual({ min: 4, max: 1000, targetWaitMs: 10, shrinkCooldownMs: 5000, intervalMs: 250 });
    expect(c.flushIntervalMs).toBe(200);
    expect(c.retentionDoneSeconds).toBeUndefined();
    expect(c.retentionSweepMs).toBe(5000);
    expect(c.historySeconds).toBe(60);
    expect(c.shutdownTimeoutMs).toBe(10_000);
  });

  it('coerces numbers from strings and passes values through', () => {
    const c = loadConfig({
      NODE_ENV: 'production',
      PORT: '8080',
      POOL_MIN: '2',
      POOL_MAX: '50',
      POOL_TARGET_WAIT_MS: '100',
      POOL_SHRINK_COOLDOWN_MS: '0',
      MIN_TASKS: '3',
      MAX_TASKS: '30',
      ESTIMATE_MIN_MS: '5',
      ESTIMATE_MAX_MS: '500',
      RETENTION_DONE_SECONDS: '0',
      HISTORY_SECONDS: '120',
      MONGODB_URI: 'mongodb://db:27017',
      LOG_LEVEL: 'debug',
    });
    expect(c.env).toBe('production');
    expect(c.port).toBe(8080);
    expect(c.pool).toMatchObject({ min: 2, max: 50, targetWaitMs: 100, shrinkCooldownMs: 0 });
    expect(c.limits).toEqual({ ...DEFAULT_STORY_LIMITS, minTasks: 3, maxTasks: 30, minEstimateMs: 5, maxEstimateMs: 500 });
    expect(c.retentionDoneSeconds).toBe(0);
    expect(c.historySeconds).toBe(120);
    expect(c.db.uri).toBe('mongodb://db:27017');
    expect(c.logLevel).toBe('debug');
  });

  it('ignores unrelated environment variables', () => {
    expect(loadConfig({ PATH: '/usr/bin', HOME: '/root' }).port).toBe(3000);
  });

  it('throws ONE error that lists each bad variable', () => {
    const message = errorOf({ PORT: 'abc', POOL_MIN: '0', LOG_LEVEL: 'loud', HISTORY_SECONDS: '5', NODE_ENV: 'staging' });
    expect(message).toMatch(/^Invalid configuration:/);
    for (const name of ['PORT', 'POOL_MIN', 'LOG_LEVEL', 'HISTORY_SECONDS', 'NODE_ENV']) {
      expect(message).toMatch(new RegExp(`^  ${name}: `, 'm'));
    }
    expect(message).not.toMatch(/POOL_MAX|MIN_TASKS/);
  });

  it('rejects out-of-range and non-integer numbers', () => {
    expect(errorOf({ PORT: '70000' })).toMatch(/PORT/);
    expect(errorOf({ PORT: '-1' })).toMatch(/PORT/);
    expect(errorOf({ POOL_MAX: '2.5' })).toMatch(/POOL_MAX/);
    expect(errorOf({ MAX_TASKS: '100001' })).toMatch(/MAX_TASKS/);
    expect(errorOf({ FLUSH_INTERVAL_MS: '1' })).toMatch(/FLUSH_INTERVAL_MS/);
  });

  it('rejects POOL_MIN > POOL_MAX, MIN_TASKS > MAX_TASKS and ESTIMATE_MIN_MS > ESTIMATE_MAX_MS, all at once', () => {
    const message = errorOf({
      POOL_MIN: '10',
      POOL_MAX: '5',
      MIN_TASKS: '9',
      MAX_TASKS: '8',
      ESTIMATE_MIN_MS: '30',
      ESTIMATE_MAX_MS: '20',
    });
    expect(message).toContain('POOL_MIN (10) must not exceed POOL_MAX (5)');
    expect(message).toContain('MIN_TASKS (9) must not exceed MAX_TASKS (8)');
    expect(message).toContain('ESTIMATE_MIN_MS (30) must not exceed ESTIMATE_MAX_MS (20)');
    expect(errorOf({ POOL_MIN: '5', POOL_MAX: '5' })).toBe('');
    expect(errorOf({ POOL_MIN: '2000' })).toContain('POOL_MIN (2000) must not exceed POOL_MAX (1000)');
  });

  it('treats a blank MONGODB_URI as unset, and rejects one that is not a mongodb URI', () => {
    expect(loadConfig({ MONGODB_URI: '' }).db.uri).toBeUndefined();
    expect(loadConfig({ MONGODB_URI: '   ' }).db.uri).toBeUndefined();
    expect(loadConfig({ MONGODB_URI: 'mongodb+srv://cluster/x' }).db.uri).toBe('mongodb+srv://cluster/x');
    expect(errorOf({ MONGODB_URI: 'postgres://db/x' })).toMatch(/MONGODB_URI/);
  });

  it('treats any blank variable as unset: its default applies', () => {
    const c = loadConfig({ PORT: '', RETENTION_DONE_SECONDS: '  ', POOL_MIN: ' ', LOG_LEVEL: '' });
    expect(c.port).toBe(3000);
    expect(c.retentionDoneSeconds).toBeUndefined();
    expect(c.pool.min).toBe(4);
    expect(c.logLevel).toBe('info');
  });

  it('resolves relative DATA_DIR and STATIC_DIR to absolute paths, keeps absolute ones', () => {
    const c = loadConfig({ DATA_DIR: 'var/db', STATIC_DIR: '/srv/www' });
    expect(isAbsolute(c.db.dataDir)).toBe(true);
    expect(c.db.dataDir).toMatch(/[/\\]var[/\\]db$/);
    expect(c.staticDir).toBe('/srv/www');
    expect(isAbsolute(loadConfig({}).staticDir)).toBe(true);
  });

  it('secure by default: reachable from other machines only with API_TOKEN, or ALLOW_ANONYMOUS on purpose', () => {
    const message = errorOf({ HOST: '0.0.0.0' });
    expect(message).toContain('API_TOKEN');
    expect(message).toContain('ALLOW_ANONYMOUS');
    expect(errorOf({ HOST: '0.0.0.0', API_TOKEN: 'x'.repeat(24) })).toBe('');
    expect(errorOf({ HOST: '0.0.0.0', ALLOW_ANONYMOUS: 'true' })).toBe('');
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1']) because(host, () => expect(errorOf({ HOST: host })).toBe(''));
  });

  it('checks the tokens without ever printing them', () => {
    const short = errorOf({ API_TOKEN: 'short-secret' });
    expect(short).toContain('API_TOKEN: must be at least 16 characters');
    expect(short).not.toContain('short-secret');
    expect(errorOf({ VIEW_TOKEN: 'v'.repeat(20) })).toContain('VIEW_TOKEN needs API_TOKEN');
    expect(errorOf({ API_TOKEN: 'a'.repeat(20), VIEW_TOKEN: 'a'.repeat(20) })).toContain('must differ');
    const c = loadConfig({ API_TOKEN: 'a'.repeat(20), VIEW_TOKEN: 'b'.repeat(20) });
    expect(c.access).toEqual({ apiToken: 'a'.repeat(20), viewToken: 'b'.repeat(20) });
  });

  it('has safe defaults for the new limits, and 0 turns rate limiting off', () => {
    const c = loadConfig({});
    expect(c.legacyCorsOrigins).toEqual([]);
    expect(c.trustProxy).toEqual(['loopback']);
    expect(c.rateLimit).toEqual({ perSec: 50, burst: 200 });
    expect(c.maxOpenTasks).toBe(105_000);
    expect(c.maxOpenStories).toBe(5_000);
    expect(loadConfig({ RATE_LIMIT_PER_SEC: '0' }).rateLimit.perSec).toBe(0);
    // Off is off for the story budget too.
    expect(loadConfig({ RATE_LIMIT_PER_SEC: '0' }).storyRateLimit).toEqual({ perSec: 0, burst: 0 });
    expect(loadConfig({}).storyRateLimit).toEqual({ perSec: 1000, burst: 2000 });
    expect(errorOf({ MAX_OPEN_TASKS: '10' })).toContain('MAX_OPEN_TASKS (10) must be at least MAX_TASKS (1000)');
  });
});
