import { DatePipe, DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, type ElementRef, computed, inject, signal, viewChild } from '@angular/core';
import { PaletteCommands, type PaletteCommand } from '../core/commands';
import { Clock } from '../core/clock';
import { ServerLimits } from '../core/limits';
import { Generator, MAX_IN_FLIGHT } from './generator';
import {
  SETTINGS_LABELS,
  expectedRate,
  validateSettings,
  type Bound,
  type GeneratorSettings,
  type SettingsIssue,
  type SettingsKey,
} from './generator-plan';
import { describeHold } from './generator-status';

type Draft = Record<SettingsKey, Record<Bound, string>>;

const KEYS: SettingsKey[] = ['intervalMs', 'tasks', 'estimateMs'];
const BOUNDS: Bound[] = ['min', 'max'];

function toDraft(settings: GeneratorSettings): Draft {
  const draft = {} as Draft;
  for (const key of KEYS) draft[key] = { min: String(settings[key].min), max: String(settings[key].max) };
  return draft;
}

function fromDraft(draft: Draft): GeneratorSettings {
  const num = (raw: string) => (raw.trim() === '' ? Number.NaN : Number(raw));
  const settings = {} as GeneratorSettings;
  for (const key of KEYS) settings[key] = { min: num(draft[key].min), max: num(draft[key].max) };
  return settings;
}

/**
 * Start/stop and tune the client-side generator; lives in the shell so every screen reaches it. Edits
 * apply as soon as the whole set is valid; while a field is invalid the generator keeps the last valid
 * settings and the field says what is wrong.
 */
@Component({
  selector: 'sf-generator-panel',
  imports: [DecimalPipe, DatePipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '(keydown.escape)': 'closeSettings()' },
  template: `
    <!-- A region, not a heading: the page's h1 comes first in the outline. -->
    <section class="generator" aria-label="Load generator">
      <div class="generator-bar">
        <span class="generator-title" aria-hidden="true">Generator</span>
        <button
          type="button"
          class="btn"
          [class.btn-primary]="!generator.running()"
          [class.btn-danger]="generator.running()"
          data-testid="generator-toggle"
          [disabled]="!generator.running() && (generator.errors().length > 0 || issues().length > 0)"
          (click)="generator.toggle()"
        >
          {{ generator.running() ? 'Stop' : 'Start' }}<span class="sr-only"> generator</span>
        </button>
        <dl class="generator-counters">
          <div>
            <dt>sent</dt>
            <dd data-testid="generator-sent">{{ generator.sent() | number }}</dd>
          </div>
          <div>
            <dt>failed</dt>
            <dd data-testid="generator-failed" [class.bad]="generator.failed() > 0">{{ generator.failed() | number }}</dd>
          </div>
          <div class="wide-only">
            <dt>in flight</dt>
            <dd data-testid="generator-in-flight">{{ generator.inFlight() }}</dd>
          </div>
          @if (generator.skipped() > 0) {
            <div [title]="'Stories not sent because ' + maxInFlight + ' requests were still unanswered'">
              <dt>skipped</dt>
              <dd data-testid="generator-skipped" class="bad">{{ generator.skipped() }}</dd>
            </div>
          }
        </dl>
        <span class="generator-rate muted wide-only" data-testid="generator-rate">{{ rateText() }}</span>
        <!-- One line whatever it says (a long one is cut visually, read in full): the bar never changes height. -->
        <span class="generator-status">
          <span class="generator-state" data-testid="generator-state" [attr.data-hold]="generator.hold()?.reason ?? null">{{
            state()
          }}</span>
          @if (generator.lastError(); as error) {
            <span class="generator-error" data-testid="generator-error" [title]="error.message">
              · last error at {{ error.at | date: 'HH:mm:ss' }}: {{ error.message }}
            </span>
          }
        </span>
        <button
          #settingsToggle
          type="button"
          class="btn btn-ghost"
          aria-controls="generator-settings"
          [attr.aria-expanded]="open()"
          (click)="open() ? closeSettings() : openSettings()"
        >
          Settings
        </button>
      </div>
      @if (open()) {
        <form id="generator-settings" class="generator-settings" (submit)="$event.preventDefault()" aria-label="Generator settings">
          @for (key of keys; track key) {
            <fieldset>
              <legend>{{ labels[key] }}</legend>
              @for (bound of bounds; track bound) {
                <label>
                  {{ bound }}
                  <input
                    #field
                    type="number"
                    inputmode="numeric"
                    [attr.aria-label]="labels[key] + ', ' + bound"
                    [value]="draft()[key][bound]"
                    [attr.aria-invalid]="issueOf(key, bound) !== null"
                    [attr.aria-describedby]="issueOf(key, bound) ? issueId(key, bound) : null"
                    (input)="edit(key, bound, field.value)"
                  />
                </label>
              }
            </fieldset>
          }
          <div class="settings-messages" aria-live="polite">
            @for (issue of issues(); track issue.key + issue.bound) {
              <p class="field-error" [id]="issueId(issue.key, issue.bound)" data-testid="generator-setting-error">{{ issue.message }}</p>
            }
            @if (issues().length > 0 && generator.running()) {
              <p class="muted" data-testid="generator-not-applied">Not applied yet: the generator keeps the last valid settings.</p>
            }
          </div>
        </form>
      }
    </section>
  `,
  styleUrl: './generator-panel.css',
})
export class GeneratorPanel {
  protected readonly generator = inject(Generator);
  private readonly limits = inject(ServerLimits).limits;
  private readonly settingsToggle = viewChild.required<ElementRef<HTMLButtonElement>>('settingsToggle');
  protected readonly open = signal(false);
  protected readonly maxInFlight = MAX_IN_FLIGHT;
  protected readonly keys = KEYS;
  protected readonly bounds = BOUNDS;
  protected readonly labels = SETTINGS_LABELS;

  /** What the fields show, valid or not. */
  protected readonly draft = signal<Draft>(toDraft(this.generator.settings()));
  protected readonly issues = computed<SettingsIssue[]>(() => validateSettings(fromDraft(this.draft()), this.limits()));

  /** For the hold's countdown. */
  private readonly now = inject(Clock).now;
  protected readonly state = computed(() => {
    if (!this.generator.running()) return 'stopped';
    const hold = this.generator.hold();
    return hold ? describeHold(hold, this.now()) : `running · ${this.generator.measuredRate().toFixed(1)} stories/s accepted`;
  });
  protected readonly rateText = computed(() => `pauses allow ≈ ${formatRate(expectedRate(this.generator.settings()))} stories/s`);

  constructor() {
    // Start and stop in the command palette while the panel is there (an operator's): as its button allows.
    const commands = computed<PaletteCommand[]>(() => {
      if (this.generator.running())
        return [
          { id: 'generator-stop', label: 'Stop the generator', group: 'Generator', keywords: 'load', run: () => this.generator.stop() },
        ];
      if (this.generator.errors().length > 0 || this.issues().length > 0) return [];
      return [
        { id: 'generator-start', label: 'Start the generator', group: 'Generator', keywords: 'load', run: () => this.generator.start() },
      ];
    });
    inject(PaletteCommands).provide(commands, inject(DestroyRef));
  }

  protected openSettings(): void {
    this.draft.set(toDraft(this.generator.settings()));
    this.open.set(true);
  }

  /** Escape (anywhere in the panel) or the toggle closes the settings; the focus returns to the toggle. */
  protected closeSettings(): void {
    if (!this.open()) return;
    this.open.set(false);
    this.settingsToggle().nativeElement.focus();
  }

  protected edit(key: SettingsKey, bound: Bound, raw: string): void {
    this.draft.update((d) => ({ ...d, [key]: { ...d[key], [bound]: raw } }));
    if (this.issues().length === 0) this.generator.settings.set(fromDraft(this.draft()));
  }

  protected issueOf(key: SettingsKey, bound: Bound): SettingsIssue | null {
    return this.issues().find((i) => i.key === key && i.bound === bound) ?? null;
  }

  protected issueId(key: SettingsKey, bound: Bound): string {
    return `generator-${key}-${bound}-error`;
  }
}

function formatRate(rate: number): string {
  return rate >= 10 ? String(Math.round(rate)) : rate.toFixed(1);
}
