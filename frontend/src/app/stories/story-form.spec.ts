import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { DEFAULT_STORY_LIMITS, type StoryLimits } from '@storyflow/contracts';
import { ServerLimits } from '../core/limits';
import { Notices } from '../core/notices';
import { StoryForm } from './story-form';

describe('StoryForm', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      imports: [StoryForm],
      providers: [provideHttpClient(), provideHttpClientTesting(), provideRouter([])],
    });
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  async function render() {
    const fixture = TestBed.createComponent(StoryForm);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const type = async (selector: string, value: string) => {
      const input = el.querySelector<HTMLInputElement | HTMLTextAreaElement>(selector)!;
      input.value = value;
      input.dispatchEvent(new Event('input'));
      await fixture.whenStable();
    };
    const submit = async () => {
      el.querySelector<HTMLButtonElement>('[data-testid="create-story"]')!.click();
      await fixture.whenStable();
    };
    const text = (id: string) => el.querySelector(`[data-testid="${id}"]`)?.textContent?.trim() ?? null;
    return { fixture, el, type, submit, text };
  }

  it('has a label for every input', async () => {
    const { el } = await render();
    const inputs = Array.from(el.querySelectorAll('input[id], textarea[id]'));
    expect(inputs.length).toBeGreaterThan(0);
    expect(inputs.filter((input) => el.querySelector(`label[for="${input.id}"]`) === null).map((input) => input.id)).toEqual([]);
  });

  it('shows the estimated processing time before submit', async () => {
    const { type, text } = await render();
    await type('#story-task-count', '10');
    await type('#story-estimate-min', '100');
    await type('#story-estimate-max', '300');
    expect(text('estimate')).toContain('10 tasks');
    expect(text('estimate')).toContain('about 2.00 s of work');
    // No jargon ("critical path"): what the longest task means for the story.
    expect(text('estimate')).toContain('with enough free workers (its longest task)');
    await type('#story-task-count', '1');
    expect(text('estimate')).toMatch(/^1 task ·/);
  });

  it('shows client validation errors next to the fields, focuses the first, and sends nothing', async () => {
    const { el, type, submit, text } = await render();
    await type('#story-task-count', '0');
    await type('#story-estimate-min', '');
    await submit();
    await new Promise((r) => setTimeout(r));
    // The focus goes to the first invalid field: its message (aria-describedby) is read at once.
    expect(document.activeElement).toBe(el.querySelector('#story-task-count'));
    expect(text('error-taskCount')).toBe('must be at least 1');
    expect(text('error-estimateMin')).toBe('is required');
    const taskCount = el.querySelector('#story-task-count')!;
    expect(taskCount.getAttribute('aria-invalid')).toBe('true');
    // Assistive technology reads the message with the field.
    expect(el.querySelector(`#${taskCount.getAttribute('aria-describedby')}`)?.textContent?.trim()).toBe('must be at least 1');
    http.expectNone('/api/stories');

    // Once shown, errors follow the edits.
    await type('#story-task-count', '5');
    expect(text('error-taskCount')).toBeNull();
    expect(taskCount.getAttribute('aria-invalid')).toBe('false');
    expect(taskCount.hasAttribute('aria-describedby')).toBe(false);
    expect(text('error-estimateMin')).toBe('is required');
  });

  it('validates the list of estimates per task', async () => {
    const { el, type, submit, text, fixture } = await render();
    el.querySelector<HTMLInputElement>('input[value="list"]')!.click();
    await fixture.whenStable();
    await type('#story-estimates', '10, 70000');
    await submit();
    expect(text('error-tasks')).toBe('Task 2: must be at most 60000 ms');
    http.expectNone('/api/stories');
  });

  it('validates with the limits the server answers, and binds them to the inputs', async () => {
    const { fixture, el, type, submit, text } = await render();
    const taskCount = () => el.querySelector<HTMLInputElement>('#story-task-count')!;
    expect(taskCount().max).toBe(String(DEFAULT_STORY_LIMITS.maxTasks));

    TestBed.inject(ServerLimits).load();
    const limits: StoryLimits = { ...DEFAULT_STORY_LIMITS, maxTasks: 50, maxEstimateMs: 5_000 };
    http.expectOne('/api/limits').flush(limits);
    await fixture.whenStable();
    expect(taskCount().max).toBe('50');
    expect(el.querySelector<HTMLInputElement>('#story-estimate-max')!.max).toBe('5000');

    await type('#story-task-count', '60');
    await submit();
    // The server's own message for its limit, shown before anything is sent.
    expect(text('error-taskCount')).toBe('must be at most 50');
    http.expectNone('/api/stories');

    await type('#story-task-count', '50');
    await submit();
    http.expectOne('/api/stories').flush({ id: 'a1', taskCount: 50 }, { status: 201, statusText: 'Created' });
    await fixture.whenStable();
    expect(text('error-taskCount')).toBeNull();
  });

  it('validates again when the limits arrive after the value was entered', async () => {
    const { fixture, type, submit, text } = await render();
    await type('#story-task-count', '60');
    TestBed.inject(ServerLimits).load();
    http.expectOne('/api/limits').flush({ ...DEFAULT_STORY_LIMITS, maxTasks: 50 });
    await fixture.whenStable();
    await submit();
    expect(text('error-taskCount')).toBe('must be at most 50');
    http.expectNone('/api/stories');
  });

  it('counts the title against its limit instead of cutting it', async () => {
    const { el, type, submit, text } = await render();
    const input = el.querySelector<HTMLInputElement>('#story-title')!;
    expect(input.hasAttribute('maxlength')).toBe(false);
    await type('#story-title', 'x'.repeat(205));
    expect(text('title-count')).toBe('205 / 200');
    expect(el.querySelector('[data-testid="title-count"]')!.classList.contains('over')).toBe(true);
    expect(input.getAttribute('aria-describedby')).toBe('title-count');
    await submit();
    expect(text('error-title')).toBe('must be at most 200 characters');
    http.expectNone('/api/stories');
  });

  it('posts a valid story and emits it', async () => {
    const { fixture, el, type, submit } = await render();
    const emitted: unknown[] = [];
    fixture.componentInstance.storyCreated.subscribe((s) => emitted.push(s));
    await type('#story-title', 'Release');
    await type('#story-task-count', '3');
    await submit();
    const req = http.expectOne('/api/stories');
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toEqual({ title: 'Release', taskCount: 3, estimateMin: 10, estimateMax: 20 });
    // While it runs the button keeps the focus (aria-disabled, not disabled) and a second submit sends nothing.
    const button = el.querySelector<HTMLButtonElement>('[data-testid="create-story"]')!;
    expect(button.disabled).toBe(false);
    expect(button.getAttribute('aria-disabled')).toBe('true');
    await submit();
    http.expectNone('/api/stories');
    req.flush({ id: 'a1', title: 'Release', taskCount: 3 }, { status: 201, statusText: 'Created' });
    await fixture.whenStable();
    expect(emitted).toHaveLength(1);
    const [notice] = TestBed.inject(Notices).items();
    expect(notice).toMatchObject({ text: 'Created Release with 3 tasks.', link: { label: 'View', commands: ['/stories', 'a1'] } });
    // Focus is ready for the next story, not dropped to the page.
    expect(document.activeElement).toBe(el.querySelector('#story-title'));
    // Ready for the next story: the title is cleared, the rest is kept.
    expect(el.querySelector<HTMLInputElement>('#story-title')!.value).toBe('');
    expect(el.querySelector<HTMLInputElement>('#story-task-count')!.value).toBe('3');
  });

  it('sends an Idempotency-Key: the same one when the same request is sent again after a failure, a new one after a success', async () => {
    const { fixture, type, submit } = await render();
    await type('#story-title', 'Retry me');
    await submit();
    const first = http.expectOne('/api/stories');
    const key = first.request.headers.get('Idempotency-Key');
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    // Made by hand: the audit log records it.
    expect(first.request.headers.get('Storyflow-Audit')).toBe('form');
    first.flush({ error: { code: 'unavailable', message: 'try again', details: [] } }, { status: 503, statusText: 'Unavailable' });
    await fixture.whenStable();
    await submit();
    const again = http.expectOne('/api/stories');
    expect(again.request.headers.get('Idempotency-Key')).toBe(key);
    again.flush({ id: 'a1', title: 'Retry me', taskCount: 5 }, { status: 200, statusText: 'OK' });
    await fixture.whenStable();
    await type('#story-title', 'Retry me');
    await submit();
    const next = http.expectOne('/api/stories');
    expect(next.request.headers.get('Idempotency-Key')).not.toBe(key);
    next.flush({ id: 'a2', title: 'Retry me', taskCount: 5 }, { status: 201, statusText: 'Created' });
    await fixture.whenStable();
  });

  it('shows API validation errors next to the matching fields', async () => {
    const { fixture, submit, text, type } = await render();
    await submit();
    http.expectOne('/api/stories').flush(
      {
        error: {
          code: 'validation_failed',
          message: 'Invalid request',
          details: [
            { path: 'taskCount', message: 'must be at most 500' },
            { path: '', message: 'server is busy' },
          ],
        },
      },
      { status: 400, statusText: 'Bad Request' },
    );
    await fixture.whenStable();
    expect(text('error-taskCount')).toBe('must be at most 500');
    expect(text('error-form')).toBe('server is busy');
    await new Promise((r) => setTimeout(r));
    expect(document.activeElement?.id).toBe('story-task-count');
    // Editing the field clears its server error, and the form-level one.
    await type('#story-task-count', '7');
    expect(text('error-taskCount')).toBeNull();
    expect(text('error-form')).toBeNull();
  });
});
