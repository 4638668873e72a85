import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, input, signal } from '@angular/core';
import type { TaskDto } from '@storyflow/contracts';
import { ListPager } from '../list/list-pager';
import { formatDuration } from '../story-format';

const PAGE = 50;

type TaskState = 'done' | 'running' | 'waiting';

/** Every task with its estimate, state and when it ran; 50 per page. */
@Component({
  selector: 'sf-task-table',
  imports: [DatePipe, ListPager],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <table class="tasks" data-testid="task-table">
      <caption class="sr-only">
        Tasks
        {{
          first()
        }}–{{
          last()
        }}
        of
        {{
          tasks().length
        }}
      </caption>
      <thead>
        <tr>
          <th scope="col">Task</th>
          <th scope="col">Estimate</th>
          <th scope="col">State</th>
          <th scope="col">Ran (from its stored done time)</th>
        </tr>
      </thead>
      <tbody>
        @for (task of pageTasks(); track task.n) {
          <tr data-testid="task-row">
            <td>#{{ task.n }}</td>
            <td>{{ duration(task.estimate) }}</td>
            <td>
              <span class="state" [attr.data-state]="stateOf(task)">{{ stateOf(task) }}</span>
            </td>
            <td>
              @if (task.doneAt; as doneAt) {
                <time [attr.datetime]="doneAt">{{ startOf(task) | date: 'HH:mm:ss.SSS' }} → {{ doneAt | date: 'HH:mm:ss.SSS' }}</time>
              } @else {
                –
              }
            </td>
          </tr>
        }
      </tbody>
    </table>
    @if (pages() > 1) {
      <sf-list-pager label="Task pages" [page]="page()" [pages]="pages()" (goTo)="page.set($event)" />
    }
  `,
  styles: `
    .tasks {
      width: 100%;
      border-collapse: collapse;
      font-size: 0.875rem;
      font-variant-numeric: tabular-nums;
      margin-bottom: 0.5rem;
    }
    th {
      text-align: left;
      font-size: 0.8rem;
      color: var(--muted);
      border-bottom: 1px solid var(--line);
      padding: 0.35rem 0.5rem;
    }
    td {
      border-bottom: 1px solid var(--line);
      padding: 0.3rem 0.5rem;
    }
    .state[data-state='done'] {
      color: var(--good-ink);
    }
    .state[data-state='running'] {
      color: var(--accent);
      font-weight: 600;
    }
    .state[data-state='waiting'] {
      color: var(--muted);
    }
  `,
})
export class TaskTable {
  readonly tasks = input.required<readonly TaskDto[]>();
  readonly running = input.required<readonly number[]>();
  protected readonly page = signal(1);
  protected readonly pages = computed(() => Math.max(1, Math.ceil(this.tasks().length / PAGE)));
  protected readonly first = computed(() => Math.min(this.tasks().length, (this.page() - 1) * PAGE + 1));
  protected readonly last = computed(() => Math.min(this.tasks().length, this.page() * PAGE));
  protected readonly pageTasks = computed(() => this.tasks().slice((this.page() - 1) * PAGE, this.page() * PAGE));
  private readonly runningSet = computed(() => new Set(this.running()));
  protected readonly duration = formatDuration;

  protected stateOf(task: TaskDto): TaskState {
    if (task.status === 'Done') return 'done';
    return this.runningSet().has(task.n) ? 'running' : 'waiting';
  }

  protected startOf(task: TaskDto): number | null {
    return task.doneAt === null ? null : Date.parse(task.doneAt) - task.estimate;
  }
}
