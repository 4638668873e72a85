import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { HealthDto } from '@storyflow/contracts';
import { App } from './app';

describe('App shell', () => {
  beforeEach(() => {
    TestBed.configureTestingModule({
      imports: [App],
      providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()],
    });
  });

  it('has the navigation, the generator panel and the database mode in the footer', async () => {
    const fixture = TestBed.createComponent(App);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const links = Array.from(el.querySelectorAll('nav a')).map((a) => a.textContent?.trim());
    expect(links).toEqual(['Stats', 'Stories']);
    expect(el.querySelector('[data-testid="generator-toggle"]')?.textContent?.trim()).toBe('Start');

    const health: HealthDto = {
      status: 'ok',
      accepting: true,
      db: { mode: 'embedded-memory', state: 'connected', durable: false },
      uptimeSec: 3,
    };
    TestBed.inject(HttpTestingController).expectOne('/api/health').flush(health);
    await fixture.whenStable();
    expect(el.querySelector('[data-testid="db-mode"]')?.textContent).toBe('Database: in-memory database — data is lost on restart');
    fixture.destroy();
  });
});
