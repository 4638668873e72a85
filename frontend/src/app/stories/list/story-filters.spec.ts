import { jest } from '@jest/globals';
import { TestBed, type ComponentFixture } from '@angular/core/testing';
import { SEARCH_QUERY_MAX_LENGTH } from '@storyflow/contracts/limits';
import { SEARCH_DEBOUNCE_MS, StoryFilters } from './story-filters';

describe('StoryFilters', () => {
  let fixture: ComponentFixture<StoryFilters>;
  let searches: { q: string; replace: boolean }[];
  const field = () => (fixture.nativeElement as HTMLElement).querySelector<HTMLInputElement>('#story-search')!;
  const count = (f: string) => (fixture.nativeElement as HTMLElement).querySelector(`[data-testid="count-${f}"]`)!.textContent;

  beforeEach(() => {
    jest.useFakeTimers();
    fixture = TestBed.createComponent(StoryFilters);
    fixture.componentRef.setInput('status', 'All');
    fixture.componentRef.setInput('q', '');
    fixture.componentRef.setInput('counts', null);
    searches = [];
    fixture.componentInstance.search.subscribe((s) => searches.push(s));
    fixture.detectChanges();
  });

  afterEach(() => jest.useRealTimers());

  function setQ(q: string) {
    fixture.componentRef.setInput('q', q);
    fixture.detectChanges();
  }

  function type(value: string) {
    field().value = value;
    field().dispatchEvent(new Event('input'));
    fixture.detectChanges();
  }

  it('shows the search of the URL, and follows it when the URL changes (Back, a shared link)', () => {
    setQ('nightly');
    expect(field().value).toBe('nightly');
    type('night');
    setQ('weekly');
    expect(field().value).toBe('weekly');
  });

  it('searches once typing pauses, replacing the history entry; the spaces being typed stay when the URL catches up', () => {
    type('nightly ');
    jest.advanceTimersByTime(SEARCH_DEBOUNCE_MS - 1);
    expect(searches).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(searches).toEqual([{ q: 'nightly', replace: true }]);
    // The list puts the search in the URL, trimmed: the field must not drop the space under the cursor.
    setQ('nightly');
    expect(field().value).toBe('nightly ');
  });

  it('searches at once on Enter, as a new history entry; not again for the search already shown', () => {
    setQ('nightly');
    field().closest('form')!.dispatchEvent(new Event('submit'));
    expect(searches).toEqual([]);
    type('weekly');
    field().closest('form')!.dispatchEvent(new Event('submit'));
    expect(searches).toEqual([{ q: 'weekly', replace: false }]);
  });

  it('takes no more text than the server searches for', () => {
    expect(field().maxLength).toBe(SEARCH_QUERY_MAX_LENGTH);
  });

  it('puts the counts on the buttons once known', () => {
    expect(count('All')).toBe('');
    fixture.componentRef.setInput('counts', { all: 1234, Open: 34, Done: 1200 });
    fixture.detectChanges();
    expect([count('All'), count('Open'), count('Done')]).toEqual(['(1,234)', '(34)', '(1,200)']);
  });
});
