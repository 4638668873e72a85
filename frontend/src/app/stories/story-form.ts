import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  Injector,
  afterNextRender,
  computed,
  effect,
  inject,
  output,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { FormControl, NonNullableFormBuilder, ReactiveFormsModule, ValueChangeEvent, type AbstractControl } from '@angular/forms';
import { createStoryRequestSchemas, type StoryDto } from '@storyflow/contracts';
import { filter } from 'rxjs';
import { toApiFailure } from '../core/api-failure';
import { newIdempotencyKey } from '../core/idempotency-key';
import { ServerLimits } from '../core/limits';
import { Notices } from '../core/notices';
import { StoriesApi } from '../core/stories-api';
import { schemaIssues, zodValidator } from '../core/zod-validator';
import { formatDuration, plural, storyName } from './story-format';
import {
  EMPTY_FORM,
  FIELD_LABELS,
  estimateWork,
  groupErrors,
  parseStoryForm,
  type FieldErrors,
  type FormField,
  type StoryFormValue,
} from './story-request';

/** Fields in the order they appear, for moving the focus to the first invalid one. */
const FIELD_ORDER: FormField[] = ['title', 'taskCount', 'estimateMin', 'estimateMax', 'tasks', 'form'];

/** Create a story: a count and an estimate range, or an explicit list of estimates. */
@Component({
  selector: 'sf-story-form',
  imports: [ReactiveFormsModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './story-form.html',
  styleUrl: './story-form.css',
})
export class StoryForm {
  private readonly api = inject(StoriesApi);
  private readonly notices = inject(Notices);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);
  readonly storyCreated = output<StoryDto>();

  /** The server's limits (the defaults until it has answered). */
  protected readonly limits = inject(ServerLimits).limits;
  private readonly schemas = computed(() => createStoryRequestSchemas(this.limits()));
  private readonly titleInput = viewChild.required<ElementRef<HTMLInputElement>>('titleInput');

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
      { key: 'taskCount', id: 'story-task-count', label: FIELD_LABELS.taskCount, min: l.minTasks, max: l.maxTasks },
      { key: 'estimateMin', id: 'story-estimate-min', label: FIELD_LABELS.estimateMin, min: l.minEstimateMs, max: l.maxEstimateMs },
      { key: 'estimateMax', id: 'story-estimate-max', label: FIELD_LABELS.estimateMax, min: l.minEstimateMs, max: l.maxEstimateMs },
    ] as const;
  });

  private readonly submitted = signal(false);
  /** The request sent last and its Idempotency-Key, until it succeeds: sent again unchanged, it keeps its key. */
  private pending: { request: string; key: string } | null = null;
  protected readonly submitting = signal(false);
  private readonly apiErrors = signal<FieldErrors>({});
  protected readonly estimate = computed(() => estimateWork(this.value()));
  protected readonly duration = formatDuration;
  protected readonly plural = plural;
  protected readonly titleLength = computed(() => this.value().title.trim().length);

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

  /** An edit clears the server's errors of that field (all of them when the mode changes). */
  private edited(source: AbstractControl): void {
    // The group itself is the source only when revalidated for new limits: nothing was edited.
    if (source === this.form) return;
    const { mode, estimates, ...fields } = this.form.controls;
    if (source === mode) {
      this.apiErrors.set({});
      return;
    }
    const field = source === estimates ? 'tasks' : (Object.keys(fields) as (keyof typeof fields)[]).find((key) => fields[key] === source);
    this.apiErrors.update((errors) => ({ ...errors, form: undefined, ...(field ? { [field]: undefined } : {}) }));
  }

  protected submit(): void {
    // The button stays enabled (aria-disabled) while a request runs, so it keeps the focus.
    if (this.submitting()) return;
    this.submitted.set(true);
    this.apiErrors.set({});
    const parsed = parseStoryForm(this.form.getRawValue(), this.schemas());
    if (!parsed.success) return this.focusFirstError();
    this.submitting.set(true);
    const request = JSON.stringify(parsed.data);
    // The same request again (its answer lost, the server busy) may not create a second story.
    const key = this.pending?.request === request ? this.pending.key : newIdempotencyKey();
    this.pending = { request, key };
    // Made by hand: the audit log records it.
    this.api.create(parsed.data, key, true).subscribe({
      next: (story) => {
        this.pending = null;
        this.submitting.set(false);
        this.submitted.set(false);
        this.form.controls.title.setValue('');
        this.notices.show({
          text: `Created ${storyName(story)} with ${plural(story.taskCount, 'task')}.`,
          link: { label: 'View', commands: ['/stories', story.id] },
        });
        this.storyCreated.emit(story);
        // Ready for the next one.
        this.titleInput().nativeElement.focus();
      },
      error: (err: unknown) => {
        this.submitting.set(false);
        const failure = toApiFailure(err);
        const errors = groupErrors(failure.details);
        if (Object.keys(errors).length === 0) errors.form = [failure.message];
        this.apiErrors.set(errors);
        this.focusFirstError();
      },
    });
  }

  /**
   * The first field with an error takes the focus once its message is drawn, so the message
   * (aria-describedby) is read at once.
   */
  private focusFirstError(): void {
    afterNextRender(
      () => {
        const field = FIELD_ORDER.find((f) => this.has(f));
        const el = field && this.host.nativeElement.querySelector<HTMLElement>(`[data-field="${field}"]`);
        el?.focus();
      },
      { injector: this.injector },
    );
  }
}
