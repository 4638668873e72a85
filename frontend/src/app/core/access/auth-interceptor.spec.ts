import { HttpClient, HttpContext, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { OWN_AUTHORIZATION, QUIET_REFUSAL, authInterceptor } from './auth-interceptor';
import { TokenStore } from './token-store';

describe('authInterceptor', () => {
  let http: HttpClient;
  let backend: HttpTestingController;
  let store: TokenStore;
  const get = (url: string, context?: HttpContext, headers?: Record<string, string>) =>
    http.get(url, { context, headers }).subscribe({ error: () => undefined });
  const refusal = { error: { code: 'unauthorized', message: 'A token is required', details: [] } };

  beforeEach(() => {
    sessionStorage.clear();
    TestBed.configureTestingModule({
      providers: [provideHttpClient(withInterceptors([authInterceptor])), provideHttpClientTesting()],
    });
    http = TestBed.inject(HttpClient);
    backend = TestBed.inject(HttpTestingController);
    store = TestBed.inject(TokenStore);
  });

  afterEach(() => backend.verify());

  it('sends the stored token with the API’s requests only: never to another path or origin', () => {
    get('/api/stories');
    expect(backend.expectOne('/api/stories').request.headers.has('Authorization')).toBe(false);
    store.set('op-token');
    get('/api/stories');
    get('/api');
    get('/apiary');
    get('/assets/logo.svg');
    get('https://elsewhere.example/api/stories');
    expect(backend.expectOne('/api/stories').request.headers.get('Authorization')).toBe('Bearer op-token');
    expect(backend.expectOne('/api').request.headers.get('Authorization')).toBe('Bearer op-token');
    for (const url of ['/apiary', '/assets/logo.svg', 'https://elsewhere.example/api/stories'])
      expect({ url, sent: backend.expectOne(url).request.headers.has('Authorization') }).toEqual({ url, sent: false });
  });

  it('leaves a request that carries a token being tried alone', () => {
    store.set('op-token');
    get('/api/access', new HttpContext().set(OWN_AUTHORIZATION, true), { Authorization: 'Bearer candidate' });
    expect(backend.expectOne('/api/access').request.headers.get('Authorization')).toBe('Bearer candidate');
  });

  it('reports a 401 of the API so the access is asked again; not other errors, nor the access check’s own answer', () => {
    get('/api/stories');
    backend.expectOne('/api/stories').flush(refusal, { status: 401, statusText: 'Unauthorized' });
    expect(store.refused()).toBe(1);
    get('/api/stories');
    backend.expectOne('/api/stories').flush(refusal, { status: 403, statusText: 'Forbidden' });
    get('/api/access', new HttpContext().set(QUIET_REFUSAL, true));
    backend.expectOne('/api/access').flush(refusal, { status: 401, statusText: 'Unauthorized' });
    get('/elsewhere');
    backend.expectOne('/elsewhere').flush(refusal, { status: 401, statusText: 'Unauthorized' });
    expect(store.refused()).toBe(1);
  });
});
