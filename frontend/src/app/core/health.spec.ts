import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { HealthDto } from '@storyflow/contracts';
import { HealthService, describeDb, describeProblems } from './health';

const health = (over: Partial<HealthDto> = {}): HealthDto => ({
  status: 'ok',
  problems: [],
  accepting: true,
  db: { mode: 'external', state: 'connected', durable: true },
  uptimeSec: 5,
  ...over,
});

describe('health in the footer', () => {
  it('names the database mode, its state when not connected, and when data does not survive a restart', () => {
    expect(describeDb(null)).toBe('Server status unknown');
    expect(describeDb(health())).toBe('Database: MongoDB');
    expect(describeDb(health({ db: { mode: 'embedded-mongod', state: 'disconnected', durable: true } }))).toBe(
      'Database: embedded MongoDB (disconnected)',
    );
    expect(describeDb(health({ db: { mode: 'embedded-memory', state: 'connected', durable: false } }))).toBe(
      'Database: in-memory database — data is lost on restart',
    );
  });

  it('says each problem in an operator’s words, and an unknown one as the server said it', () => {
    expect(describeProblems(null)).toBeNull();
    expect(describeProblems(health())).toBeNull();
    expect(describeProblems(health({ problems: ['database: unavailable', 'stopping', 'disk: full'] }))).toBe(
      'Database unavailable: requests are refused until it answers · Server stopping · disk: full',
    );
  });

  describe('HealthService', () => {
    let http: HttpTestingController;
    let service: HealthService;

    beforeEach(() => {
      TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
      http = TestBed.inject(HttpTestingController);
      service = TestBed.inject(HealthService);
    });

    it('keeps the health a 503 carries (the server is up and says what is wrong), and forgets it when there is none', () => {
      service.refresh();
      http.expectOne('/api/health').flush(health());
      expect(service.health()?.status).toBe('ok');
      const down = health({ status: 'unavailable', problems: ['database: unavailable'], accepting: false });
      service.refresh();
      http.expectOne('/api/health').flush(down, { status: 503, statusText: 'Service Unavailable' });
      expect(service.health()).toEqual(down);
      service.refresh();
      http.expectOne('/api/health').flush('<html>Bad Gateway</html>', { status: 502, statusText: 'Bad Gateway' });
      expect(service.health()).toBeNull();
      // An error body that is not a health (the footer would read its db).
      service.refresh();
      http.expectOne('/api/health').flush(health(), { status: 200, statusText: 'OK' });
      service.refresh();
      http
        .expectOne('/api/health')
        .flush({ error: { code: 'internal', message: 'x', details: [] } }, { status: 500, statusText: 'Internal Server Error' });
      expect(service.health()).toBeNull();
    });
  });
});
