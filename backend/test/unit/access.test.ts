import { describe, expect, it } from '@jest/globals';
import { bearerToken, canMutate, canRead, resolveAccess } from '../../src/access/access-policy.js';
import { LocalConnectionBudget } from '../../src/access/client-address.js';
import { hostAllowed, hostName } from '../../src/access/host-policy.js';
import { isOriginAllowed } from '../../src/access/origin-policy.js';
import { because } from '../support/because.js';

const OPERATOR = 'operator-token-0123456789';
const VIEWER = 'viewer-token-0123456789ab';

describe('access policy', () => {
  it('open server (no API_TOKEN): everyone is operator, a token changes nothing', () => {
    const config = { apiToken: undefined, viewToken: undefined };
    for (const token of [undefined, '', 'anything']) {
      const access = resolveAccess(config, token);
      expect(access.role).toBe('operator');
      expect(canRead(access).ok && canMutate(access).ok).toBe(true);
    }
  });

  it('API_TOKEN only: anyone reads, only the operator token mutates (401 otherwise)', () => {
    const config = { apiToken: OPERATOR, viewToken: undefined };
    expect(canRead(resolveAccess(config, undefined))).toEqual({ ok: true });
    expect(canMutate(resolveAccess(config, undefined))).toMatchObject({ ok: false, status: 401 });
    expect(canMutate(resolveAccess(config, OPERATOR))).toEqual({ ok: true });
    // A wrong token is refused even for reads, so a client learns its token is wrong.
    expect(canRead(resolveAccess(config, 'wrong-token-0123456789'))).toMatchObject({ ok: false, status: 401 });
    expect(canMutate(resolveAccess(config, OPERATOR + 'x'))).toMatchObject({ ok: false, status: 401 });
  });

  it('VIEW_TOKEN too: reads need either token; the viewer token on a mutation is 403', () => {
    const config = { apiToken: OPERATOR, viewToken: VIEWER };
    expect(canRead(resolveAccess(config, undefined))).toMatchObject({ ok: false, status: 401 });
    expect(canRead(resolveAccess(config, VIEWER))).toEqual({ ok: true });
    expect(canRead(resolveAccess(config, OPERATOR))).toEqual({ ok: true });
    expect(canMutate(resolveAccess(config, VIEWER))).toMatchObject({ ok: false, status: 403 });
    expect(canMutate(resolveAccess(config, OPERATOR))).toEqual({ ok: true });
    expect(canMutate(resolveAccess(config, undefined))).toMatchObject({ ok: false, status: 401 });
  });

  it('reads the bearer token of an Authorization header only', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer   abc  ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});

describe('origin policy', () => {
  it('allows non-browsers, the same host and port, and configured origins only', () => {
    expect(isOriginAllowed(undefined, 'localhost:3000', [])).toBe(true);
    expect(isOriginAllowed('http://localhost:3000', 'localhost:3000', [])).toBe(true);
    expect(isOriginAllowed('https://Storyflow.example', 'storyflow.example', [])).toBe(true); // TLS at a proxy
    expect(isOriginAllowed('http://localhost:3001', 'localhost:3000', [])).toBe(false);
    expect(isOriginAllowed('http://evil.example', 'localhost:3000', [])).toBe(false);
    expect(isOriginAllowed('null', 'localhost:3000', [])).toBe(false);
    expect(isOriginAllowed('http://evil.example', undefined, [])).toBe(false);
    expect(isOriginAllowed('http://tools.example', 'localhost:3000', ['http://tools.example'])).toBe(true);
  });
});

describe('connection budget', () => {
  it('caps open connections per client and gives a slot back once, on release', async () => {
    const budget = new LocalConnectionBudget(2);
    const a = (await budget.acquire('1.2.3.4'))!;
    const b = (await budget.acquire('1.2.3.4'))!;
    expect(await budget.acquire('1.2.3.4')).toBeNull();
    expect(await budget.acquire('5.6.7.8')).not.toBeNull();
    a();
    a(); // twice: no double release
    expect(budget.count('1.2.3.4')).toBe(1);
    expect(await budget.acquire('1.2.3.4')).not.toBeNull();
    b();
  });
});

describe('host policy (DNS rebinding)', () => {
  it('allows IP literals, localhost and its subdomains, and the configured names only', () => {
    const allowed = hostAllowed(['storyflow.example', '.corp.example']);
    for (const host of [
      '127.0.0.1:3000',
      '10.1.2.3',
      '[::1]:3000',
      'localhost',
      'a.localhost:3000',
      'Storyflow.Example:8080',
      'corp.example',
      'x.corp.example',
      undefined,
    ])
      because(String(host), () => expect(allowed(host)).toBe(true));
    for (const host of ['evil.example:3000', 'storyflow.example.evil', 'evilcorp.example', 'localhost.evil', '', 'a b', '[::1', 'x:y'])
      because(host, () => expect(allowed(host)).toBe(false));
    expect(hostAllowed(['*'])('anything.example')).toBe(true);
  });

  it('reads the name of a Host header without its port', () => {
    expect(hostName('Example.com.:80')).toBe('example.com');
    expect(hostName('[::1]:3000')).toBe('::1');
    expect(hostName('127.0.0.1')).toBe('127.0.0.1');
    expect(hostName('no/slash')).toBeNull();
  });
});
