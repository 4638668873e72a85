import { OBJECTIVES } from '@storyflow/contracts';
import type { Logger } from '../logger.js';
import type { ObjectiveTransition } from './objectives.js';

export interface WebhookOptions {
  url: string;
  /** Per attempt. */
  timeoutMs: number;
  /** Attempts per notification (the first included), with a doubling pause between them. */
  attempts: number;
  retryPauseMs: number;
  /** Notifications waiting beyond this are dropped, oldest first (logged): a dead webhook holds no memory. */
  maxQueued: number;
  /** Labels every alert carries (e.g. the instance). */
  labels: Record<string, string>;
}

const ALERT_NAMES = { story_p99: 'StoryflowStoryLatencyP99', backlog_age: 'StoryflowBacklogAge' } as const;

/** Alertmanager's webhook vocabulary: one alert per notification, `endsAt` the zero time while firing. */
export function alertPayload(transition: ObjectiveTransition, labels: Record<string, string>) {
  const { state } = transition;
  const { label, unit } = OBJECTIVES[state.name];
  const alert = {
    status: transition.status,
    labels: { alertname: ALERT_NAMES[state.name], objective: state.name, service: 'storyflow', ...labels },
    annotations: {
      summary: `${label} ${state.value ?? 'n/a'} ${unit} ${transition.status === 'firing' ? '>' : '≤'} ${state.target} ${unit} (${state.windowSec} s window)`,
    },
    value: state.value,
    target: state.target,
    startsAt: new Date(transition.startsAt).toISOString(),
    endsAt: transition.endsAt === null ? '0001-01-01T00:00:00Z' : new Date(transition.endsAt).toISOString(),
  };
  return { version: '4', status: transition.status, receiver: 'storyflow', alerts: [alert] };
}

/** POSTs each transition in order, with a timeout, bounded retries and a bounded queue; nothing waits for it. */
export class WebhookNotifier {
  private readonly queue: ObjectiveTransition[] = [];
  private sending = false;
  private stopped = false;

  constructor(
    private readonly options: WebhookOptions,
    private readonly logger: Logger,
  ) {}

  notify(transition: ObjectiveTransition): void {
    if (this.stopped) return;
    this.queue.push(transition);
    if (this.queue.length > this.options.maxQueued) {
      this.queue.shift();
      this.logger.warn({ maxQueued: this.options.maxQueued }, 'alert webhook: too many notifications waiting; dropped the oldest');
    }
    if (!this.sending) void this.drain();
  }

  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
  }

  private async drain(): Promise<void> {
    this.sending = true;
    try {
      for (let next = this.queue.shift(); next && !this.stopped; next = this.queue.shift()) await this.send(next);
    } finally {
      this.sending = false;
    }
  }

  private async send(transition: ObjectiveTransition): Promise<void> {
    const body = JSON.stringify(alertPayload(transition, this.options.labels));
    for (let attempt = 1; attempt <= this.options.attempts && !this.stopped; attempt++) {
      try {
        const res = await fetch(this.options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
        await res.body?.cancel();
        if (res.ok) return;
        this.logger.warn({ status: res.status, attempt }, 'alert webhook refused the notification');
      } catch (error) {
        this.logger.warn({ err: error, attempt }, 'alert webhook unreachable');
      }
      if (attempt < this.options.attempts)
        await new Promise((resolve) => setTimeout(resolve, this.options.retryPauseMs * 2 ** (attempt - 1)));
    }
    this.logger.error({ objective: transition.state.name, status: transition.status }, 'alert webhook: notification given up');
  }
}
