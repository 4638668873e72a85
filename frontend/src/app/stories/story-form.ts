import { ChangeDetectionStrategy, Component, computed, effect, inject, output, signal, untracked } from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { FormControl, NonNullableFormBuilder, ReactiveFormsModule, ValueChangeEvent, type AbstractControl } from '@angular/forms';
import { createStoryRequestSchemas, type StoryDto } from '@storyflow/contracts';
import { filter } from 'rxjs';
import { ServerLimits } from '../core/limits';
import { StoriesApi, toApiFailure } from '../core/stories-api';
import { schemaIssues, zodValidator } from '../core/zod-validator';
import {
  EMPTY_FORM,
  estimateWork,
  formatDuration,
  groupErrors,
  parseStoryForm,
  type FieldErrors,
  type FormField,
  type StoryFormValue,
} from './story-request';

/** Create a story: a count and an estimate range, or an explicit list of estimates. */
@Component({
  selector: 'sf-story-form',
  imports: [ReactiveFormsModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <form class="card story-form" [formGroup]="form" (ngSubmit)="submit()" aria-labelledby="create-title">
      <h2 id="create-title">New story</h2>

      <div class="field">
        <label for="story-title">Title <span class="muted">(optional)</span></label>
        <input
          id="story-title"
          name="title"
          type="text"
          autocomplete="off"
          formControlName="title"
          [attr.maxlength]="limits().maxTitleLength + 50"
          [attr.aria-invalid]="has('title')"
          [attr.aria-describedby]="has('title') ? 'title-error' : null"
        />
        @if (shown().title; as errors) {
          <p class="field-error" id="title-error" data-testid="error-title">{{ errors.join('; ') }}</p>
        }
      </div>

      <fieldset class="mode">
        <legend>Tasks</legend>
        <label><input type="radio" name="mode" value="range" formControlName="mode" /> Count and estimate range</label>
        <label><input type="radio" name="mode" value="list" formControlName="mode" /> List of estimates</label>
      </fieldset>

      @if (value().mode === 'range') {
        <div class="row">
          @for (field of rangeFields(); track field.key) {
            <div class="field">
              <label [for]="field.id">{{ field.label }}</label>
              <input
                [id]="field.id"
                [attr.name]="field.key"
                type="number"
                inputmode="numeric"
                [formControlName]="field.key"
                [attr.min]="field.min"
                [attr.max]="field.max"
                [attr.aria-invalid]="has(field.key)"
                [attr.aria-describedby]="has(field.key) ? field.key + '-error' : null"
              />
              @if (shown()[field.key]; as errors) {
                <p class="field-error" [id]="field.key + '-error'" [attr.data-testid]="'error-' + field.key">{{ errors.join('; ') }}</p>
              }
            </div>
          }
        </div>
      } @else {
        <div class="field">
          <label for="story-estimates">Task estimates (ms), separated by commas or spaces</label>
          <textarea
            id="story-estimates"
            name="estimates"
            rows="3"
            placeholder="e.g. 120, 80, 300"
            formControlName="estimates"
            [attr.aria-invalid]="has('tasks')"
            [attr.aria-describedby]="has('tasks') ? 'tasks-error' : null"
          ></textarea>
          @if (shown().tasks; as errors) {
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

      @if (shown().form; as errors) {
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
  private readonly schemas = computed(() => createStoryRequestSchemas(this.limits()));

  protected readonly form = inject(NonNullableFormBuilder).group(
    {
      mode: EMPTY_FORM.mode,
      title: EMPTY_FORM.title,
      taskCount: new FormControl<number | null>(EMPTY_FORM.taskCount),
      estimateMin: new FormControl<number | null>(EMPTY_FORM.estimateMin),
      estimateMax: new FormControl<number | null>(EMPTY_FORM.estimateMax),
      estimates: EMPTY_FORM.estimates,
    },
    // One validator for the whole form: the request it describes, parsed with the contract's schema.
    { validators: zodValidator((value: StoryFormValue) => parseStoryForm(value, this.schemas())) },
  );

  /** The form's latest event (value, status, …): computeds that read it follow the form. */
  private readonly formEvent = toSignal(this.form.events, { initialValue: null });
  protected readonly value = computed<StoryFormValue>(() => {
    this.formEvent();
    return this.form.getRawValue();
  });
  private readonly clientErrors = computed(() => {
    this.formEvent();
    return groupErrors(schemaIssues(this.form));
  });

  protected readonly rangeFields = computed(() => {
    const l = this.limits();
    return [
      { key: 'taskCount', id: 'story-task-count', label: 'Number of tasks', min: l.minTasks, max: l.maxTasks },
      { key: 'estimateMin', id: 'story-estimate-min', label: 'Estimate min (ms)', min: l.minEstimateMs, max: l.maxEstimateMs },
      { key: 'estimateMax', id: 'story-estimate-max', label: 'Estimate max (ms)', min: l.minEstimateMs, max: l.maxEstimateMs },
    ] as const;
  });

  private readonly submitted = signal(false);
  protected readonly submitting = signal(false);
  private readonly apiErrors = signal<FieldErrors>({});
  protected readonly created = signal<StoryDto | null>(null);
  protected readonly estimate = computed(() => estimateWork(this.value()));
  protected readonly duration = formatDuration;

  /** Client errors after the first submit attempt; API errors until their field is edited. */
  protected readonly shown = computed<FieldErrors>(() => ({ ...this.apiErrors(), ...(this.submitted() ? this.clientErrors() : {}) }));

  constructor() {
    // The server's limits may arrive after the form is built: validate again with them.
    effect(() => {
      this.schemas();
      untracked(() => this.form.updateValueAndValidity());
    });
    this.form.events
      .pipe(
        filter((event) => event instanceof ValueChangeEvent),
        takeUntilDestroyed(),
      )
      .subscribe(({ source }) => this.edited(source));
  }

  protected has(field: FormField): boolean {
    return (this.shown()[field]?.length ?? 0) > 0;
  }

  /** An edit clears the server's errors of that field (all of them when the mode changes) and the last success. */
  private edited(source: AbstractControl): void {
    // The group itself is the source only when revalidated for new limits: nothing was edited.
    if (source === this.form) return;
    this.created.set(null);
    const { mode, estimates, ...fields } = this.form.controls;
    if (source === mode) {
      this.apiErrors.set({});
      return;
    }
    const field = source === estimates ? 'tasks' : (Object.keys(fields) as (keyof typeof fields)[]).find((key) => fields[key] === source);
    this.apiErrors.update((errors) => ({ ...errors, form: undefined, ...(field ? { [field]: undefined } : {}) }));
  }

  protected submit(): void {
    this.submitted.set(true);
    this.created.set(null);
    this.apiErrors.set({});
    const parsed = parseStoryForm(this.form.getRawValue(), this.schemas());
    if (!parsed.success || this.submitting()) return;
    this.submitting.set(true);
    this.api.create(parsed.data).subscribe({
      next: (story) => {
        this.submitting.set(false);
        this.submitted.set(false);
        this.form.controls.title.setValue('');
        this.created.set(story);
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
