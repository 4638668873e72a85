import { jest } from '@jest/globals';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting, type TestRequest } from '@angular/common/http/testing';
import { InteractivityChecker } from '@angular/cdk/a11y';
import { Dialog } from '@angular/cdk/dialog';
import { Injectable } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { StoryListDto, StorySummaryDto } from '@storyflow/contracts';
import { LIST_POLL_MS, StoryList } from './story-list';

function story(id: string, over: Partial<StorySummaryDto> = {}): StorySummaryDto {
  return {
    id,
    title: `Story ${id}`,
    externalRef: null,
    status: 'Open',
    taskCount: 4,
    doneCount: 1,
    estimateMs: 60,
    criticalPathMs: 20,
    createdAt: '2026-01-01T12:00:00.000Z',
    startedAt: null,
    completedAt: null,
    processingMs: null,
    runningTasks: 0,
    ...over,
  };
}

/** jsdom lays nothing out, so CDK would find no element visible, hence none focusable (dialog focus). */
@Injectable()
class LaidOutChecker extends InteractivityChecker {
  override isVisible(): boolean {
    return true;
  }
}

const page = (items: StorySummaryDto[], total = items.length): StoryListDto => ({
  items,
  total,
  page: 1,
  limit: 20,
  counts: { all: total, Open: total, Done: 0 },
});

describe('StoryList', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    jest.useFakeTimers();
    TestBed.configureTestingModule({
      imports: [StoryList],
      providers: [provideHttpClient(), provideHttpClientTesting(), { provide: InteractivityChecker, useClass: LaidOutChecker }],
    });
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => jest.useRealTimers());

  const listRequests = (): TestRequest[] => http.match((r) => r.method === 'GET' && r.url === '/api/stories');

  async function render() {
    const fixture = TestBed.createComponent(StoryList);
    fixture.detectChanges();
    await jest.advanceTimersByTimeAsync(0);
    const el = fixture.nativeElement as HTMLElement;
    const settle = async () => {
      fixture.detectChanges();
      await jest.advanceTimersByTimeAsync(0);
      fixture.detectChanges();
    };
    return { fixture, el, settle };
  }

  it('loads the first page with only page, limit and status parameters, then polls', async () => {
    const { el, settle } = await render();
    const [first] = listRequests();
    expect(first!.request.params.keys().sort()).toEqual(['limit', 'page']);
    expect(first!.request.params.get('page')).toBe('1');
    first!.flush(
      page([story('a'), story('b', { status: 'Done', doneCount: 4, completedAt: '2026-01-01T12:00:01.000Z', processingMs: 1234 })]),
    );
    await settle();
    const rows = el.querySelectorAll('[data-testid="story-row"]');
    expect(rows).toHaveLength(2);
    expect(rows[0]!.querySelector('[data-testid="story-progress"]')?.textContent).toBe('1/4');
    expect(rows[1]!.querySelector('[data-testid="story-status"]')?.textContent).toBe('Done');
    expect(rows[1]!.querySelector('[data-testid="story-processing"]')?.textContent).toBe('1.23 s');

    await jest.advanceTimersByTimeAsync(LIST_POLL_MS);
    expect(listRequests()).toHaveLength(1);
  });

  it('filters by status and stops polling when destroyed', async () => {
    const { fixture, el, settle } = await render();
    listRequests()[0]!.flush(page([]));
    await settle();
    el.querySelector<HTMLButtonElement>('[data-testid="filter-Done"]')!.click();
    await settle();
    const [filtered] = listRequests();
    expect(filtered!.request.params.get('status')).toBe('Done');
    filtered!.flush(page([]));
    fixture.destroy();
    await jest.advanceTimersByTimeAsync(LIST_POLL_MS * 3);
    expect(listRequests()).toHaveLength(0);
  });

  it('moves back to the last page when the current one is beyond it after deletions', async () => {
    const { el, settle } = await render();
    const many = (n: number) => Array.from({ length: n }, (_, i) => story(`s${i}`));
    const pageInfo = () => el.querySelector('[data-testid="page-info"]')?.textContent?.trim();
    const requestedPage = (r: TestRequest) => r.request.params.get('page');

    listRequests()[0]!.flush(page(many(20), 45));
    await settle();
    expect(pageInfo()).toBe('Page 1 of 3');
    for (const expected of ['2', '3']) {
      el.querySelector<HTMLButtonElement>('[data-testid="page-next"]')!.click();
      await settle();
      const [next] = listRequests();
      expect(requestedPage(next!)).toBe(expected);
      next!.flush(page(expected === '3' ? many(5) : many(20), 45));
      await settle();
    }
    expect(pageInfo()).toBe('Page 3 of 3');

    // Stories deleted elsewhere: page 3 no longer exists, page 2 is the last one.
    await jest.advanceTimersByTimeAsync(LIST_POLL_MS);
    listRequests()[0]!.flush(page([], 25));
    await settle();
    const [second] = listRequests();
    expect(requestedPage(second!)).toBe('2');
    second!.flush(page(many(5), 25));
    await settle();
    expect(pageInfo()).toBe('Page 2 of 2');

    // Everything deleted: page 1 of 1 (not "Page 2 of 1").
    await jest.advanceTimersByTimeAsync(LIST_POLL_MS);
    listRequests()[0]!.flush(page([], 0));
    await settle();
    const [first] = listRequests();
    expect(requestedPage(first!)).toBe('1');
    first!.flush(page([], 0));
    await settle();
    expect(pageInfo()).toBe('Page 1 of 1');
    expect(el.querySelectorAll('[data-testid="story-row"]')).toHaveLength(0);
  });

  it('deletes one story', async () => {
    const { el, settle } = await render();
    listRequests()[0]!.flush(page([story('a'), story('b')]));
    await settle();
    el.querySelector<HTMLButtonElement>('[data-testid="delete-story"]')!.click();
    http.expectOne((r) => r.method === 'DELETE' && r.url === '/api/stories/a').flush({ deleted: 1 });
    await settle();
    const rows = el.querySelectorAll('[data-testid="story-title"]');
    expect(Array.from(rows).map((r) => r.textContent)).toEqual(['Story b']);
    expect(el.querySelector('[data-testid="notice"]')?.textContent).toContain('Deleted Story a');
  });

  describe('delete all Done', () => {
    const dialog = () => document.querySelector<HTMLElement>('[data-testid="confirm-dialog"]');
    const button = (id: string) => document.querySelector<HTMLButtonElement>(`[data-testid="${id}"]`)!;
    const deletes = () => http.match((r) => r.method === 'DELETE');

    async function openDialog() {
      const rendered = await render();
      listRequests()[0]!.flush(page([story('a')]));
      await rendered.settle();
      const trigger = button('delete-done');
      trigger.focus();
      trigger.click();
      await rendered.settle();
      return { ...rendered, trigger };
    }

    afterEach(() => TestBed.inject(Dialog).closeAll());

    it('asks in a modal dialog named by its heading, with Cancel focused first', async () => {
      const { fixture } = await openDialog();
      const container = dialog()?.closest('[role="dialog"]');
      expect(container).not.toBeNull();
      expect(document.getElementById(container!.getAttribute('aria-labelledby')!)?.textContent).toBe('Delete all Done stories?');
      // Modal: the page behind is hidden from assistive technology while the dialog is open.
      expect((fixture.nativeElement as HTMLElement).closest('[aria-hidden="true"]')).not.toBeNull();
      expect(document.activeElement).toBe(button('confirm-cancel'));
      expect(deletes()).toHaveLength(0);
    });

    it('keeps Tab inside the dialog', async () => {
      await openDialog();
      // The focus trap's anchors on either side of the dialog send the focus back inside, to the far end.
      const anchors = Array.from(
        dialog()!.closest('[role="dialog"]')!.parentElement!.querySelectorAll<HTMLElement>('.cdk-focus-trap-anchor'),
      );
      expect(anchors).toHaveLength(2);
      anchors[1]!.focus(); // Tab past the last button
      expect(document.activeElement).toBe(button('confirm-cancel'));
      anchors[0]!.focus(); // Shift+Tab before the first one
      expect(document.activeElement).toBe(button('confirm-delete'));
    });

    it('closes on Escape, deletes nothing and gives the focus back', async () => {
      const { fixture, settle, trigger } = await openDialog();
      button('confirm-cancel').dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', keyCode: 27, bubbles: true }));
      await settle();
      expect(dialog()).toBeNull();
      expect((fixture.nativeElement as HTMLElement).closest('[aria-hidden="true"]')).toBeNull();
      expect(document.activeElement).toBe(trigger);
      expect(deletes()).toHaveLength(0);
    });

    it('closes on Cancel and deletes nothing', async () => {
      const { settle, trigger } = await openDialog();
      button('confirm-cancel').click();
      await settle();
      expect(dialog()).toBeNull();
      expect(document.activeElement).toBe(trigger);
      expect(deletes()).toHaveLength(0);
    });

    it('deletes the Done stories once confirmed', async () => {
      const { el, settle } = await openDialog();
      button('confirm-delete').click();
      await settle();
      expect(dialog()).toBeNull();
      const bulk = http.expectOne((r) => r.method === 'DELETE' && r.url === '/api/stories');
      expect(bulk.request.params.get('status')).toBe('Done');
      bulk.flush({ deleted: 3 });
      await settle();
      expect(el.querySelector('[data-testid="notice"]')?.textContent).toContain('Deleted 3 Done stories');
    });
  });
});
