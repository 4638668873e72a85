import { jest } from '@jest/globals';
import { Dialog } from '@angular/cdk/dialog';
import { HttpErrorResponse } from '@angular/common/http';
import { TestBed } from '@angular/core/testing';
import type { BulkActionResultDto, StoryDto } from '@storyflow/contracts';
import { type Observable, of, throwError } from 'rxjs';
import { Notices } from '../core/notices';
import { StoriesApi } from '../core/stories-api';
import type { ConfirmData } from './confirm-dialog';
import { StoryActions } from './story-actions';

const id = (n: number) => n.toString(16).padStart(24, '0');
const story = (n: number, taskCount = 4) => ({ id: id(n), title: `Story ${n}`, taskCount }) as StoryDto;
const notFound = () =>
  throwError(() => new HttpErrorResponse({ status: 404, error: { error: { code: 'not_found', message: 'No such story', details: [] } } }));
const unreachable = () => throwError(() => new HttpErrorResponse({ status: 0 }));
const results = (...rs: BulkActionResultDto['results']): Observable<BulkActionResultDto> => of({ results: rs });

describe('StoryActions', () => {
  let actions: StoryActions;
  let notices: Notices;
  /** What each confirmation asked, and how the user answers the next ones. */
  let asked: ConfirmData[];
  let answer: boolean | 'cannot-open';
  const api = {
    delete: jest.fn<(id: string) => Observable<unknown>>(),
    rerun: jest.fn<(id: string) => Observable<StoryDto>>(),
    bulk: jest.fn<(request: { action: string; ids: string[] }) => Observable<BulkActionResultDto>>(),
    deleteAllDone: jest.fn<() => Observable<{ deleted: number }>>(),
  };
  const last = () => notices.items().at(-1)!;
  /** Runs the Undo of the latest notice and lets its request settle. */
  const undo = async () => {
    notices.act(last().id);
    await new Promise((r) => setTimeout(r));
  };

  beforeEach(() => {
    for (const fn of Object.values(api)) fn.mockReset();
    asked = [];
    answer = true;
    const dialog = {
      open: (_component: unknown, config: { data: ConfirmData }) => {
        if (answer === 'cannot-open') throw new Error('chunk failed to load');
        asked.push(config.data);
        return { closed: of(answer) };
      },
    };
    TestBed.configureTestingModule({
      providers: [
        { provide: StoriesApi, useValue: api },
        { provide: Dialog, useValue: dialog },
      ],
    });
    actions = TestBed.inject(StoryActions);
    notices = TestBed.inject(Notices);
  });

  it('deletes a story and says so; a refusal is said with the server’s reason, and reported as a failure', async () => {
    api.delete.mockReturnValueOnce(of({ deleted: 1 })).mockReturnValueOnce(notFound());
    expect(await actions.delete(story(1))).toBe(true);
    expect(last()).toMatchObject({ text: 'Deleted Story 1.', tone: 'info' });
    expect(await actions.delete(story(2))).toBe(false);
    expect(last()).toMatchObject({ text: 'Could not delete Story 2: No such story', tone: 'error' });
  });

  it('runs a story again, offering the new run and an Undo that deletes just that run', async () => {
    api.rerun.mockReturnValue(of(story(9, 7)));
    api.delete.mockReturnValue(of({ deleted: 1 }));
    expect(await actions.rerun(story(1))).toMatchObject({ id: id(9) });
    expect(last()).toMatchObject({
      text: 'Started a new run of Story 1 (7 tasks).',
      link: { label: 'View', commands: ['/stories', id(9)] },
      action: { label: 'Undo' },
    });
    await undo();
    expect(api.delete.mock.calls).toEqual([[id(9)]]);
    expect(api.bulk).not.toHaveBeenCalled();
    expect(last().text).toBe('Undone: removed 1 new run.');
  });

  it('says when a run cannot start, and offers nothing to undo', async () => {
    api.rerun.mockReturnValue(unreachable());
    expect(await actions.rerun(story(1))).toBeNull();
    expect(last()).toMatchObject({ text: 'Could not run Story 1 again: The server cannot be reached.', tone: 'error' });
    expect(last().action).toBeUndefined();
  });

  it('deletes the selected stories only once confirmed, naming how many, and reports what failed and why', async () => {
    answer = false;
    expect(await actions.bulkDelete([id(1), id(2), id(3)])).toEqual([]);
    expect(asked[0]).toMatchObject({ title: 'Delete 3 stories?', confirm: 'Delete 3 stories' });
    expect(api.bulk).not.toHaveBeenCalled();

    answer = true;
    api.bulk.mockReturnValue(
      results({ id: id(1), ok: true }, { id: id(2), ok: false, error: 'not found' }, { id: id(3), ok: false, error: 'not found' }),
    );
    expect(await actions.bulkDelete([id(1), id(2), id(3)])).toEqual([id(1)]);
    expect(api.bulk.mock.calls).toEqual([[{ action: 'delete', ids: [id(1), id(2), id(3)] }]]);
    // Some deleted: news, not an error.
    expect(last()).toMatchObject({ text: 'Deleted 1 story; 2 failed: not found.', tone: 'info' });
  });

  it('reports a bulk action where every story failed as an error, naming each reason once', async () => {
    api.bulk.mockReturnValue(
      results({ id: id(1), ok: false, error: 'not found' }, { id: id(2), ok: false, error: 'busy' }, { id: id(3), ok: false }),
    );
    expect(await actions.bulkRerun([id(1), id(2), id(3)])).toEqual([]);
    expect(last()).toMatchObject({ text: 'Started 0 new runs; 3 failed: not found; busy; failed.', tone: 'error' });
    // Nothing was created: nothing to undo.
    expect(last().action).toBeUndefined();
  });

  it('runs the selected stories again; Undo deletes the new runs in one request and counts what it removed', async () => {
    api.bulk
      .mockReturnValueOnce(results({ id: id(1), ok: true, newId: id(11) }, { id: id(2), ok: true, newId: id(12) }))
      .mockReturnValueOnce(results({ id: id(11), ok: true }, { id: id(12), ok: false, error: 'not found' }));
    expect(await actions.bulkRerun([id(1), id(2)])).toEqual([id(11), id(12)]);
    expect(last()).toMatchObject({ text: 'Started 2 new runs.', action: { label: 'Undo' } });
    await undo();
    expect(api.bulk.mock.calls[1]).toEqual([{ action: 'delete', ids: [id(11), id(12)] }]);
    expect(last().text).toBe('Undone: removed 1 new run.');
  });

  it('says when an Undo fails', async () => {
    api.rerun.mockReturnValue(of(story(9)));
    api.delete.mockReturnValue(unreachable());
    await actions.rerun(story(1));
    await undo();
    expect(last()).toMatchObject({ text: 'Could not undo: The server cannot be reached.', tone: 'error' });
  });

  it('deletes all Done stories once confirmed, naming how many when known', async () => {
    api.deleteAllDone.mockReturnValue(of({ deleted: 12 }));
    expect(await actions.deleteAllDone(12)).toBe(12);
    expect(await actions.deleteAllDone(null)).toBe(12);
    expect(asked.map((a) => a.title)).toEqual(['Delete all 12 Done stories?', 'Delete all Done stories?']);
    expect(last().text).toBe('Deleted 12 Done stories.');
    answer = false;
    expect(await actions.deleteAllDone(3)).toBe(0);
    expect(api.deleteAllDone).toHaveBeenCalledTimes(2);
  });

  it('changes nothing when the confirmation cannot even be shown, and says so', async () => {
    answer = 'cannot-open';
    expect(await actions.deleteAllDone(3)).toBe(0);
    expect(await actions.bulkDelete([id(1)])).toEqual([]);
    expect(api.deleteAllDone).not.toHaveBeenCalled();
    expect(api.bulk).not.toHaveBeenCalled();
    expect(last()).toMatchObject({
      text: 'The confirmation could not be shown (the server cannot be reached): nothing was changed.',
      tone: 'error',
    });
  });
});
