import { jest } from '@jest/globals';
import { Observable, Subject } from 'rxjs';
import { SERVER_VALUE_MAX_RETRY_MS, ServerValue } from './server-value';

describe('ServerValue', () => {
  /** Each fetch is a request the test answers (or fails) by hand. */
  let requests: Subject<number>[];
  const fetch = () =>
    new Observable<number>((subscriber) => {
      const request = new Subject<number>();
      requests.push(request);
      return request.subscribe(subscriber);
    });

  beforeEach(() => {
    jest.useFakeTimers();
    requests = [];
  });
  afterEach(() => jest.useRealTimers());

  it('starts with the initial value, fetches once on load(), and keeps the answer', () => {
    const value = new ServerValue(fetch, 1);
    value.reload();
    expect(requests).toHaveLength(0);
    value.load();
    value.load();
    expect(requests).toHaveLength(1);
    expect([value.value(), value.loaded()]).toEqual([1, false]);
    requests[0].next(7);
    expect([value.value(), value.loaded()]).toEqual([7, true]);
  });

  it('tries a failed fetch again after 1 s, 2 s, 4 s …, never waiting more than a minute', () => {
    const value = new ServerValue(fetch, 0);
    value.load();
    const waits: number[] = [];
    for (let n = 0; n < 8; n++) {
      requests.at(-1)!.error(new Error('down'));
      const before = requests.length;
      let waited = 0;
      while (requests.length === before) {
        jest.advanceTimersByTime(1000);
        waited += 1000;
      }
      waits.push(waited);
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, SERVER_VALUE_MAX_RETRY_MS, SERVER_VALUE_MAX_RETRY_MS]);
    requests.at(-1)!.next(5);
    expect(value.value()).toBe(5);
  });

  it('keeps the current value when an answer is not acceptable', () => {
    const value = new ServerValue(fetch, 10, { accept: (v): v is number => typeof v === 'number' && v > 0 });
    value.load();
    requests[0].next(-1);
    expect([value.value(), value.loaded()]).toEqual([10, false]);
  });

  it('reload() drops the request in flight, or the pending retry, and asks again at once', () => {
    const value = new ServerValue(fetch, 0);
    value.load();
    value.reload();
    expect(requests).toHaveLength(2);
    expect(requests[0].observed).toBe(false);
    // A late answer of the dropped request is not taken.
    requests[0].next(1);
    expect(value.value()).toBe(0);
    requests[1].error(new Error('down'));
    value.reload();
    expect(requests).toHaveLength(3);
    jest.advanceTimersByTime(SERVER_VALUE_MAX_RETRY_MS);
    expect(requests).toHaveLength(3);
  });

  it('fetches again whenever reloadOn emits (a new token), once started; destroy() stops everything', () => {
    const tokens = new Subject<void>();
    const value = new ServerValue(fetch, 0, { reloadOn: tokens });
    tokens.next();
    expect(requests).toHaveLength(0);
    value.load();
    tokens.next();
    expect(requests).toHaveLength(2);
    requests[1].error(new Error('down'));
    value.destroy();
    tokens.next();
    jest.advanceTimersByTime(SERVER_VALUE_MAX_RETRY_MS);
    expect(requests).toHaveLength(2);
  });
});
