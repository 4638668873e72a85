import { jest } from '@jest/globals';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { NoticeHost } from './notice-host';
import { NOTICE_MS, NOTICE_RESUME_MS, NOTICE_WITH_ACTION_MS, Notices } from './notices';

describe('Notices', () => {
  let notices: Notices;

  beforeEach(() => {
    jest.useFakeTimers();
    TestBed.configureTestingModule({ providers: [provideRouter([])] });
    notices = TestBed.inject(Notices);
  });

  afterEach(() => jest.useRealTimers());

  const texts = () => notices.items().map((n) => n.text);

  it('dismiss themselves, later when they offer an action', () => {
    notices.show({ text: 'plain' });
    notices.show({ text: 'with undo', action: { label: 'Undo', run: () => undefined } });
    jest.advanceTimersByTime(NOTICE_MS);
    expect(texts()).toEqual(['with undo']);
    jest.advanceTimersByTime(NOTICE_WITH_ACTION_MS - NOTICE_MS);
    expect(texts()).toEqual([]);
  });

  it('stay while held (pointer or focus on them), then a little longer', () => {
    notices.show({ text: 'read me' });
    notices.hold();
    jest.advanceTimersByTime(NOTICE_MS * 5);
    expect(texts()).toEqual(['read me']);
    notices.release();
    jest.advanceTimersByTime(NOTICE_RESUME_MS - 1);
    expect(texts()).toEqual(['read me']);
    jest.advanceTimersByTime(1);
    expect(texts()).toEqual([]);
  });

  it('run their action once and go away', () => {
    const run = jest.fn();
    const id = notices.show({ text: 'x', action: { label: 'Undo', run } });
    notices.act(id);
    notices.act(id);
    expect(run).toHaveBeenCalledTimes(1);
    expect(texts()).toEqual([]);
  });

  it('keep at most three', () => {
    for (const text of ['a', 'b', 'c', 'd']) notices.show({ text });
    expect(texts()).toEqual(['b', 'c', 'd']);
  });

  it('are shown in a polite live region present from the start, each with a dismiss button', async () => {
    // whenStable() waits for timers to settle: real ones here.
    jest.useRealTimers();
    const fixture = TestBed.createComponent(NoticeHost);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const region = el.querySelector('[role="status"]');
    expect(region?.getAttribute('aria-live')).toBe('polite');
    const run = jest.fn();
    notices.show({ text: 'Started a new run', link: { label: 'View', commands: ['/stories', 'x'] }, action: { label: 'Undo', run } });
    await fixture.whenStable();
    expect(region?.textContent).toContain('Started a new run');
    expect(el.querySelector('a')?.getAttribute('href')).toBe('/stories/x');
    Array.from(el.querySelectorAll('button'))
      .find((b) => b.textContent?.trim() === 'Undo')!
      .click();
    expect(run).toHaveBeenCalled();
    notices.show({ text: 'other' });
    await fixture.whenStable();
    el.querySelector<HTMLButtonElement>('[aria-label="Dismiss notice"]')!.click();
    await fixture.whenStable();
    expect(el.querySelectorAll('[data-testid="notice"]')).toHaveLength(0);
  });
});
