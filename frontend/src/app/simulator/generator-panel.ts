import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { Generator, MAX_IN_FLIGHT } from './generator';
import { expectedRate, type GeneratorSettings, type Range } from './generator-plan';

type RangeKey = keyof GeneratorSettings;

/** Start/stop and tune the client-side generator; lives in the shell so every screen reaches it. */
@Component({
  selector: 'sf-generator-panel',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="generator" aria-labelledby="generator-title">
      <div class="generator-bar">
        <h2 id="generator-title" class="generator-title">Generator</h2>
        <button
          type="button"
          class="btn"
          [class.btn-primary]="!generator.running()"
          [class.btn-danger]="generator.running()"
          data-testid="generator-toggle"
          [disabled]="!generator.running() && generator.errors().length > 0"
          (click)="generator.toggle()"
        >
          {{ generator.running() ? 'Stop' : 'Start' }}
        </button>
        <dl class="generator-counters" aria-live="off">
          <div>
            <dt>sent</dt>
            <dd data-testid="generator-sent">{{ generator.sent() }}</dd>
          </div>
          <div>
            <dt>failed</dt>
            <dd data-testid="generator-failed" [class.bad]="generator.failed() > 0">{{ generator.failed() }}</dd>
          </div>
          <div>
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
        <span class="generator-rate muted">≈ {{ rate() }} stories/s</span>
        <button
          type="button"
          class="btn btn-ghost"
          aria-controls="generator-settings"
          [attr.aria-expanded]="open()"
          (click)="open.set(!open())"
        >
          Settings
        </button>
      </div>
      @if (generator.lastError(); as error) {
        <p class="generator-error" role="status">Last error: {{ error }}</p>
      }
      @if (open()) {
        <form id="generator-settings" class="generator-settings" (submit)="$event.preventDefault()">
          @for (field of fields; track field.key) {
            <fieldset>
              <legend>{{ field.label }}</legend>
              <label>
                min
                <input
                  #minInput
                  type="number"
                  inputmode="numeric"
                  [attr.aria-label]="field.label + ', min'"
                  [value]="generator.settings()[field.key].min"
                  (change)="set(field.key, 'min', minInput.value)"
                />
              </label>
              <label>
                max
                <input
                  #maxInput
                  type="number"
                  inputmode="numeric"
                  [attr.aria-label]="field.label + ', max'"
                  [value]="generator.settings()[field.key].max"
                  (change)="set(field.key, 'max', maxInput.value)"
                />
              </label>
            </fieldset>
          }
          @for (error of generator.errors(); track error) {
            <p class="field-error" role="alert">{{ error }}</p>
          }
        </form>
      }
    </section>
  `,
  styleUrl: './generator-panel.css',
})
export class GeneratorPanel {
  protected readonly generator = inject(Generator);
  protected readonly open = signal(false);
  protected readonly maxInFlight = MAX_IN_FLIGHT;
  protected readonly rate = computed(() => expectedRate(this.generator.settings()).toFixed(1));
  protected readonly fields: { key: RangeKey; label: string }[] = [
    { key: 'intervalMs', label: 'Pause between stories (ms)' },
    { key: 'tasks', label: 'Tasks per story' },
    { key: 'estimateMs', label: 'Task estimate (ms)' },
  ];

  protected set(key: RangeKey, bound: keyof Range, raw: string): void {
    const value = raw.trim() === '' ? Number.NaN : Number(raw);
    this.generator.settings.update((s) => ({ ...s, [key]: { ...s[key], [bound]: value } }));
  }
}
