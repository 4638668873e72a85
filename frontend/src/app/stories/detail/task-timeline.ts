import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { TaskDto } from '@storyflow/contracts';
import { formatDuration, plural } from '../story-format';
import { layoutTimeline } from './timeline-layout';

const MAX_LANES = 32;
const LANE_HEIGHT = 10;
const WIDTH = 1000;

/**
 * When each task ran, as bars on worker-like lanes (SVG). The picture has a one-line summary for
 * assistive technology; the task table below it has every figure.
 */
@Component({
  selector: 'sf-task-timeline',
  imports: [DatePipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (layout().bars.length > 0) {
      <svg
        class="timeline"
        [attr.viewBox]="'0 0 ' + width + ' ' + height()"
        preserveAspectRatio="none"
        role="img"
        [attr.aria-label]="summary()"
        data-testid="task-timeline"
        [style.height.px]="height()"
      >
        @for (bar of layout().bars; track bar.n) {
          <rect
            [attr.class]="bar.state"
            [attr.x]="x(bar.start)"
            [attr.y]="bar.lane * laneHeight + 1"
            [attr.width]="barWidth(bar.start, bar.end)"
            [attr.height]="laneHeight - 2"
          ></rect>
        }
      </svg>
      <div class="axis" aria-hidden="true">
        <span>{{ layout().from | date: 'HH:mm:ss' }}</span>
        <span>{{ span() }}</span>
        <span>{{ layout().to | date: 'HH:mm:ss' }}</span>
      </div>
      <p class="legend muted">
        <span class="key done"></span> done <span class="key running"></span> running · one lane per task running at the same time
      </p>
      <p class="legend muted" data-testid="task-timeline-precision">
        A done task is drawn ending when the server stored it: up to about a second after it finished, and a story's last tasks share its
        completion time.
      </p>
    } @else {
      <p class="muted" data-testid="task-timeline-empty">No task has started yet.</p>
    }
  `,
  styles: `
    .timeline {
      display: block;
      width: 100%;
      background: var(--subtle);
      border-radius: 6px;
    }
    rect.done {
      fill: var(--completed);
    }
    rect.running {
      fill: var(--accent);
    }
    .axis {
      display: flex;
      justify-content: space-between;
      font-size: 0.8rem;
      color: var(--muted);
      font-variant-numeric: tabular-nums;
      margin-top: 0.25rem;
    }
    .legend {
      font-size: 0.8rem;
      margin: 0.25rem 0 0;
    }
    .key {
      display: inline-block;
      width: 0.75rem;
      height: 0.75rem;
      border-radius: 2px;
      vertical-align: -0.1rem;
    }
    .key.done {
      background: var(--completed);
    }
    .key.running {
      background: var(--accent);
      margin-left: 0.5rem;
    }
  `,
})
export class TaskTimeline {
  readonly tasks = input.required<readonly TaskDto[]>();
  readonly running = input.required<readonly number[]>();
  readonly firstSeenRunning = input.required<ReadonlyMap<number, number>>();
  readonly now = input.required<number>();

  protected readonly width = WIDTH;
  protected readonly laneHeight = LANE_HEIGHT;
  protected readonly layout = computed(() => layoutTimeline(this.tasks(), this.running(), this.firstSeenRunning(), this.now(), MAX_LANES));
  protected readonly height = computed(() => Math.max(1, this.layout().lanes) * LANE_HEIGHT);
  protected readonly span = computed(() => formatDuration(this.layout().to - this.layout().from));
  protected readonly summary = computed(() => {
    const l = this.layout();
    const done = l.bars.filter((b) => b.state === 'done').length;
    const running = l.bars.length - done;
    return `Timeline: ${plural(done, 'task')} done${running > 0 ? `, ${running} running` : ''} over ${this.span()}, at most ${l.peakParallel} at the same time.`;
  });

  protected x(t: number): number {
    const { from, to } = this.layout();
    return ((t - from) / (to - from)) * WIDTH;
  }

  /** At least a sliver, so a 1 ms task in an hour-long story is still visible. */
  protected barWidth(start: number, end: number): number {
    return Math.max(1.5, this.x(end) - this.x(start));
  }
}
