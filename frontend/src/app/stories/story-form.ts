import { ChangeDetectionStrategy, Component, computed, inject, output, signal } from '@angular/core';
import { createStoryRequestSchemas, type StoryDto } from '@storyflow/contracts';
import { ServerLimits } from '../core/limits';
import { StoriesApi, toApiFailure } from '../core/stories-api';
import {
  EMPTY_FORM,
  estimateWork,
  formatDuration,
  groupErrors,
  validateStoryForm,
  type FieldErrors,
  type FormField,
  type StoryFormValue,
} from './story-request';

/** Create a story: a count and an estimate range, or an explicit list of estimates. */
@Component({
  selector: 'sf-story-form',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <form class="card story-form" novalidate (submit)="submit($event)" aria-labelledby="create-title">
      <h2 id="create-title">New story</h2>

      <div class="field">
        <label for="story-title">Title <span class="muted">(optional)</span></label>
        <input
          id="story-title"
          name="title"
          type="text"
          autocomplete="off"
          [maxLength]="limits().maxTitleLength + 50"
          [value]="value().title"
          (input)="set('title', $event)"
          [attr.aria-invalid]="has('title')"
          [attr.aria-describedby]="has('title') ? 'title-error' : null"
        />
        @if (shown()['title']; as errors) {
          <p class="field-error" id="title-error" data-testid="error-title">{{ errors.join('; ') }}</p>
        }
      </div>

      <fieldset class="mode">
        <legend>Tasks</legend>
        <label
          ><input type="radio" name="mode" value="range" [checked]="value().mode === 'range'" (change)="setMode('range')" /> Count and
          estimate range</label
        >
        <label
          ><input type="radio" name="mode" value="list" [checked]="value().mode === 'list'" (change)="setMode('list')" /> List of
          estimates</label
        >
      </fieldset>

      @if (value().mode === 'range') {
        <div class="row">
          <div class="field">
            <label for="story-task-count">Number of tasks</label>
            <input
              id="story-task-count"
              name="taskCount"
              type="number"
              inputmode="numeric"
              [min]="limits().minTasks"
              [max]="limits().maxTasks"
              [value]="value().taskCount"
              (input)="set('taskCount', $event)"
              [attr.aria-invalid]="has('taskCount')"
              [attr.aria-describedby]="has('taskCount') ? 'taskCount-error' : null"
            />
            @if (shown()['taskCount']; as errors) {
              <p class="field-error" id="taskCount-error" data-testid="error-taskCount">{{ errors.join('; ') }}</p>
            }
          </div>
          <div class="field">
            <label for="story-estimate-min">Estimate min (ms)</label>
            <input
              id="story-estimate-min"
              name="estimateMin"
              type="number"
              inputmode="numeric"
              [min]="limits().minEstimateMs"
              [max]="limits().maxEstimateMs"
              [value]="value().estimateMin"
              (input)="set('estimateMin', $event)"
              [attr.aria-invalid]="has('estimateMin')"
              [attr.aria-describedby]="has('estimateMin') ? 'estimateMin-error' : null"
            />
            @if (shown()['estimateMin']; as errors) {
              <p class="field-error" id="estimateMin-error" data-testid="error-estimateMin">{{ errors.join('; ') }}</p>
            }
          </div>
          <div class="field">
            <label for="story-estimate-max">Estimate max (ms)</label>
            <input
              id="story-estimate-max"
              name="estimateMax"
              type="number"
              inputmode="numeric"
              [min]="limits().minEstimateMs"
              [max]="limits().maxEstimateMs"
              [value]="value().estimateMax"
              (input)="set('estimateMax', $event)"
              [attr.aria-invalid]="has('estimateMax')"
              [attr.aria-describedby]="has('estimateMax') ? 'estimateMax-error' : null"
            />
            @if (shown()['estimateMax']; as errors) {
              <p class="field-error" id="estimateMax-error" data-testid="error-estimateMax">{{ errors.join('; ') }}</p>
            }
          </div>
        </div>
      } @else {
        <div class="field">
          <label for="story-estimates">Task estimates (ms), separated by commas or spaces</label>
          <textarea
            id="story-estimates"
            name="estimates"
            rows="3"
            placeholder="e.g. 120, 80, 300"
            [value]="value().estimates"
            (input)="set('estimates', $event)"
            [attr.aria-invalid]="has('tasks')"
            [attr.aria-describedby]="has('tasks') ? 'tasks-error' : null"
          ></textarea>
          @if (shown()['tasks']; as errors) {
            <p class="field-error" id="tasks-error" data-testid="error-tasks">
              {{ errors.slice(0, 3).join('; ') }}{{ errors.length > 3 ? ' …' : '' }}
            </p>
          }
        </div>
      }

      <p class="estimate" data-testid="estimate" aria-live="polite">
        @if (estimate(); as e) {
          {{ e.taskCount }} tasks · total work {{ e.expected ? '≈ ' : '' }}<strong>{{ duration(e.totalMs) }}</strong> · critical path
          {{ e.expected ? '≈ ' : '' }}<strong>{{ duration(e.criticalPathMs) }}</strong>
        } @else {
          Enter tasks to see the estimated processing time.
        }
      </p>

      @if (shown()['form']; as errors) {
        <p class="field-error" role="alert" data-testid="error-form">{{ errors.join('; ') }}</p>
      }
      @if (created(); as story) {
        <p class="created" role="status" data-testid="created">
          Created story {{ story.title ?? story.id }} with {{ story.taskCount }} tasks.
        </p>
      }

      <div class="actions">
        <button type="submit" class="btn btn-primary" data-testid="create-story" [disabled]="submitting()">
          {{ submitting() ? 'Creating…' : 'Create story' }}
        </button>
      </div>
    </form>
  `,
  styleUrl: './story-form.css',
})
export class StoryForm {
  private readonly api = inject(StoriesApi);
  readonly storyCreated = output<StoryDto>();

  /** The server's limits (the defaults until it has answered). */
  protected readonly limits = inject(ServerLimits).limits;
  protected readonly value = signal<StoryFormValue>(EMPTY_FORM);
  protected readonly submitted = signal(false);
  protected readonly submitting = signal(false);
  protected readonly apiErrors = signal<FieldErrors>({});
  protected readonly created = signal<StoryDto | null>(null);
  protected readonly estimate = computed(() => estimateWork(this.value()));
  protected readonly duration = formatDuration;

  private readonly schemas = computed(() => createStoryRequestSchemas(this.limits()));
  private readonly validation = computed(() => validateStoryForm(this.value(), this.schemas()));

  /** Client errors after the first submit attempt; API errors until the field is edited. */
  protected readonly shown = computed<FieldErrors>(() => {
    const v = this.validation();
    const client = this.submitted() && !v.ok ? v.errors : {};
    const api = this.apiErrors();
    const merged: FieldErrors = { ...api };
    for (const [field, messages] of Object.entries(client) as [FormField, string[]][]) merged[field] = messages;
    return merged;
  });

  protected has(field: FormField): boolean {
    return (this.shown()[field]?.length ?? 0) > 0;
  }

  protected set(field: Exclude<keyof StoryFormValue, 'mode'>, event: Event): void {
    const text = (event.target as HTMLInputElement | HTMLTextAreaElement).value;
    this.value.update((v) => ({ ...v, [field]: text }));
    const apiField: FormField = field === 'estimates' ? 'tasks' : field;
    this.apiErrors.update((e) => ({ ...e, [apiField]: undefined, form: undefined }));
    this.created.set(null);
  }

  protected setMode(mode: StoryFormValue['mode']): void {
    this.value.update((v) => ({ ...v, mode }));
    this.apiErrors.set({});
  }

  protected submit(event: Event): void {
    event.preventDefault();
    this.submitted.set(true);
    this.created.set(null);
    this.apiErrors.set({});
    const v = this.validation();
    if (!v.ok || this.submitting()) return;
    this.submitting.set(true);
    this.api.create(v.body).subscribe({
      next: (story) => {
        this.submitting.set(false);
        this.submitted.set(false);
        this.created.set(story);
        this.value.update((f) => ({ ...f, title: '' }));
        this.storyCreated.emit(story);
      },
      error: (err: unknown) => {
        this.submitting.set(false);
        const failure = toApiFailure(err);
        const errors = groupErrors(failure.details);
        if (Object.keys(errors).length === 0) errors.form = [failure.message];
        this.apiErrors.set(errors);
      },
    });
  }
}
