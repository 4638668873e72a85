import { convertToParamMap } from '@angular/router';
import type { StoryProgressDto, StorySummaryDto } from '@storyflow/contracts';
import { readListQuery, toQueryParams } from './list-query';
import { liveRows, newSinceLoad } from './list-rows';

const id = (c: string) => c.repeat(24);

function summary(c: string, over: Partial<StorySummaryDto> = {}): StorySummaryDto {
  return {
    id: id(c),
    title: null,
    externalRef: null,
    status: 'Open',
    taskCount: 10,
    doneCount: 2,
    estimateMs: 100,
    criticalPathMs: 20,
    createdAt: '2026-01-01T12:00:00.000Z',
    startedAt: null,
    completedAt: null,
    processingMs: null,
    runningTasks: 0,
    ...over,
  };
}

function progress(c: string, over: Partial<StoryProgressDto> = {}): StoryProgressDto {
  return {
    id: id(c),
    status: 'Open',
    taskCount: 10,
    doneCount: 5,
    runningTasks: 3,
    running: [6, 7, 8],
    startedAt: '2026-01-01T12:00:01.000Z',
    completedAt: null,
    ...over,
  };
}

describe('liveRows', () => {
  it('keeps the loaded rows in their order and updates them in place', () => {
    const rows = liveRows([summary('a'), summary('b')], new Map([[id('b'), progress('b')]]), new Set());
    expect(rows.map((r) => r.id)).toEqual([id('a'), id('b')]);
    expect(rows[0]).toMatchObject({ doneCount: 2, runningTasks: 0, removed: null });
    expect(rows[1]).toMatchObject({ doneCount: 5, runningTasks: 3, startedAt: '2026-01-01T12:00:01.000Z', removed: null });
  });

  it('a story that is gone stays as a marked row, never removed (nothing moves under the pointer)', () => {
    const rows = liveRows(
      [summary('a'), summary('b'), summary('c')],
      new Map([[id('a'), progress('a', { status: 'Deleted' })]]),
      new Set([id('c')]),
    );
    expect(rows.map((r) => [r.id, r.removed])).toEqual([
      [id('a'), 'elsewhere'],
      [id('b'), null],
      [id('c'), 'by-you'],
    ]);
  });

  it('turns Done with its processing time, and never goes back', () => {
    const done = progress('a', { status: 'Done', doneCount: 10, runningTasks: 0, completedAt: '2026-01-01T12:00:02.500Z' });
    const [row] = liveRows([summary('a')], new Map([[id('a'), done]]), new Set());
    expect(row).toMatchObject({ status: 'Done', doneCount: 10, processingMs: 2500 });
    // An old message after a newer load does not take the row back.
    const [stale] = liveRows([summary('a', { status: 'Done', doneCount: 10 })], new Map([[id('a'), progress('a')]]), new Set());
    expect(stale).toMatchObject({ status: 'Done', doneCount: 10, runningTasks: 0 });
  });
});

describe('newSinceLoad', () => {
  const totals = { created: 4, completed: 3, removed: 1 };
  it('counts what would appear on page 1 of the filter', () => {
    expect(newSinceLoad('All', '', totals)).toBe(4);
    expect(newSinceLoad('Open', '', totals)).toBe(4);
    expect(newSinceLoad('Done', '', totals)).toBe(3);
  });
  it('cannot tell for a search', () => {
    expect(newSinceLoad('All', 'nightly', totals)).toBeNull();
  });
});

describe('list query in the URL', () => {
  it('reads filter, page and search, falling back to defaults for anything odd', () => {
    expect(readListQuery(convertToParamMap({ status: 'Done', page: '3', q: 'nightly' }))).toEqual({
      status: 'Done',
      page: 3,
      q: 'nightly',
    });
    expect(readListQuery(convertToParamMap({ status: 'Nope', page: '-2' }))).toEqual({ status: 'All', page: 1, q: '' });
    expect(readListQuery(convertToParamMap({ page: '1.5' })).page).toBe(1);
  });

  it('leaves defaults out of the URL', () => {
    expect(toQueryParams({ status: 'All', page: 1, q: '  ' })).toEqual({ status: null, page: null, q: null });
    expect(toQueryParams({ status: 'Open', page: 2, q: ' x ' })).toEqual({ status: 'Open', page: 2, q: 'x' });
  });
});
