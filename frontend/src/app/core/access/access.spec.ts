import { jest } from '@jest/globals';
import { HttpClient, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { AccessDto } from '@storyflow/contracts/api';
import { AccessService } from './access';
import { authInterceptor } from './auth-interceptor';
import { TokenStore } from './token-store';

const OPERATOR: AccessDto = { role: 'operator', readsNeedToken: false, mutationsNeedToken: true };
const VIEWER: AccessDto = { role: 'viewer', readsNeedToken: true, mutationsNeedToken: true };
const unauthorized = (message = 'A viewer or operator token is required') =>
  [
    { error: { code: 'unauthorized', message, details: [] } },
    { status: 401, statusText: 'Unauthorized', headers: { 'WWW-Authenticate': 'Bearer' } },
  ] as const;

describe('access', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    sessionStorage.clear();
    TestBed.configureTestingModule({
      providers: [provideHttpClient(withInterceptors([authInterceptor])), provideHttpClientTesting()],
    });
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => {
    http.verify();
    jest.useRealTimers();
  });

  describe('TokenStore', () => {
    it('keeps the token in sessionStorage for this tab, and forgets it', () => {
      const store = TestBed.inject(TokenStore);
      expect(store.token()).toBeNull();
      store.set('s3cret');
      expect(sessionStorage.getItem('storyflow.token')).toBe('s3cret');
      expect(localStorage.getItem('storyflow.token')).toBeNull();
      store.forget();
      expect(sessionStorage.getItem('storyflow.token')).toBeNull();
      expect(store.token()).toBeNull();
    });

    it('reads a token stored earlier in this tab (a reload)', () => {
      sessionStorage.setItem('storyflow.token', 'kept');
      expect(TestBed.inject(TokenStore).token()).toBe('kept');
    });
  });

  describe('authInterceptor', () => {
    it('sends the stored token on API requests only', () => {
      TestBed.inject(TokenStore).set('s3cret');
      const client = TestBed.inject(HttpClient);
      client.get('/api/stories').subscribe();
      client.get('/assets/x.json').subscribe();
      expect(http.expectOne('/api/stories').request.headers.get('Authorization')).toBe('Bearer s3cret');
      expect(http.expectOne('/assets/x.json').request.headers.has('Authorization')).toBe(false);
    });

    it('sends nothing without a token', () => {
      TestBed.inject(HttpClient).get('/api/stories').subscribe();
      expect(http.expectOne('/api/stories').request.headers.has('Authorization')).toBe(false);
    });

    it('reports a 401 so the access is checked again', () => {
      const store = TestBed.inject(TokenStore);
      TestBed.inject(HttpClient)
        .get('/api/stories')
        .subscribe({ error: () => undefined });
      http.expectOne('/api/stories').flush(...unauthorized());
      expect(store.refused()).toBe(1);
    });
  });

  describe('AccessService', () => {
    function start() {
      const access = TestBed.inject(AccessService);
      TestBed.tick();
      return access;
    }

    it('asks the server at start; an operator may change things', () => {
      const access = start();
      expect(access.state().kind).toBe('checking');
      expect(access.canMutate()).toBe(true);
      http.expectOne('/api/access').flush(OPERATOR);
      expect(access.role()).toBe('operator');
      expect(access.canMutate()).toBe(true);
      expect(access.tokensInUse()).toBe(true);
    });

    it('a viewer may not', () => {
      const access = start();
      http.expectOne('/api/access').flush(VIEWER);
      expect(access.canMutate()).toBe(false);
    });

    it('wants a token on 401, and calls a refused stored token invalid', () => {
      const access = start();
      http.expectOne('/api/access').flush(...unauthorized());
      expect(access.state()).toEqual({ kind: 'token-needed', invalid: false, message: 'A viewer or operator token is required' });
      expect(access.canMutate()).toBe(false);

      TestBed.inject(TokenStore).set('old');
      TestBed.tick();
      http.expectOne('/api/access').flush(...unauthorized('The token is not valid'));
      expect(access.state()).toMatchObject({ kind: 'token-needed', invalid: true });
    });

    it('checks again after another request was refused (e.g. the server restarted with new tokens)', () => {
      const access = start();
      http.expectOne('/api/access').flush(OPERATOR);
      TestBed.inject(HttpClient)
        .get('/api/stories')
        .subscribe({ error: () => undefined });
      http.expectOne('/api/stories').flush(...unauthorized());
      TestBed.tick();
      http.expectOne('/api/access').flush(...unauthorized());
      expect(access.state().kind).toBe('token-needed');
      // Its own 401 is not reported again: no loop.
      TestBed.tick();
      http.expectNone('/api/access');
    });

    it('tries a token before keeping it: a wrong one is not stored', () => {
      const access = start();
      http.expectOne('/api/access').flush(...unauthorized());
      const errors: unknown[] = [];
      access.tryToken('wrong').subscribe({ error: (e: unknown) => errors.push(e) });
      const attempt = http.expectOne('/api/access');
      expect(attempt.request.headers.get('Authorization')).toBe('Bearer wrong');
      attempt.flush(...unauthorized('The token is not valid'));
      expect(errors).toHaveLength(1);
      expect(TestBed.inject(TokenStore).token()).toBeNull();
      // Trying is not a refusal of the stored token.
      TestBed.tick();
      http.expectNone('/api/access');

      access.tryToken('right').subscribe();
      http.expectOne('/api/access').flush(VIEWER);
      expect(TestBed.inject(TokenStore).token()).toBe('right');
      TestBed.tick();
      const check = http.expectOne('/api/access');
      expect(check.request.headers.get('Authorization')).toBe('Bearer right');
      check.flush(VIEWER);
      expect(access.role()).toBe('viewer');
    });

    it('retries with growing pauses while the server cannot be reached', () => {
      jest.useFakeTimers();
      const access = start();
      http.expectOne('/api/access').flush('down', { status: 502, statusText: 'Bad Gateway' });
      expect(access.state().kind).toBe('unreachable');
      jest.advanceTimersByTime(999);
      http.expectNone('/api/access');
      jest.advanceTimersByTime(1);
      http.expectOne('/api/access').error(new ProgressEvent('error'));
      jest.advanceTimersByTime(1999);
      http.expectNone('/api/access');
      jest.advanceTimersByTime(1);
      http.expectOne('/api/access').flush(OPERATOR);
      expect(access.role()).toBe('operator');
    });

    it('forgetting the token checks again without it', () => {
      TestBed.inject(TokenStore).set('op');
      const access = start();
      http.expectOne('/api/access').flush(OPERATOR);
      access.forgetToken();
      TestBed.tick();
      const check = http.expectOne('/api/access');
      expect(check.request.headers.has('Authorization')).toBe(false);
      check.flush({ ...VIEWER, readsNeedToken: false });
      expect(access.hasToken()).toBe(false);
      expect(access.canMutate()).toBe(false);
    });
  });
});
