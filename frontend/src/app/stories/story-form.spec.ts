import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { DEFAULT_STORY_LIMITS, type StoryLimits } from '@storyflow/contracts';
import { ServerLimits } from '../core/limits';
import { StoryForm } from './story-form';

describe('StoryForm', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      imports: [StoryForm],
      providers: [provideHttpClient(), provideHttpClientTesting()],
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
    expect(text('estimate')).toContain('total work ≈ 2.00 s');
  });

  it('shows client validation errors next to the fields and sends nothing', async () => {
    const { el, type, submit, text } = await render();
    await type('#story-task-count', '0');
    await type('#story-estimate-min', '');
    await submit();
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

  it('posts a valid story and emits it', async () => {
    const { fixture, el, type, submit, text } = await render();
    const emitted: unknown[] = [];
    fixture.componentInstance.storyCreated.subscribe((s) => emitted.push(s));
    await type('#story-title', 'Release');
    await type('#story-task-count', '3');
    await submit();
    const req = http.expectOne('/api/stories');
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toEqual({ title: 'Release', taskCount: 3, estimateMin: 10, estimateMax: 20 });
    req.flush({ id: 'a1', title: 'Release', taskCount: 3 }, { status: 201, statusText: 'Created' });
    await fixture.whenStable();
    expect(emitted).toHaveLength(1);
    expect(text('created')).toContain('Release');
    // Ready for the next story: the title is cleared, the rest is kept.
    expect(el.querySelector<HTMLInputElement>('#story-title')!.value).toBe('');
    expect(el.querySelector<HTMLInputElement>('#story-task-count')!.value).toBe('3');
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
    // Editing the field clears its server error, and the form-level one.
    await type('#story-task-count', '7');
    expect(text('error-taskCount')).toBeNull();
    expect(text('error-form')).toBeNull();
  });
});
