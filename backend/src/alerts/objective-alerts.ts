import type { ObjectiveState, StatsSample } from '@storyflow/contracts';
import type { Logger } from '../logger.js';
import { ObjectiveEvaluator, type ObjectiveSettings } from './objectives.js';
import { WebhookNotifier } from './webhook-notifier.js';

export interface AlertSettings {
  objectives: ObjectiveSettings;
  /** ALERT_WEBHOOK_URL; null: breaches are logged and shown, not POSTed. */
  webhookUrl: string | null;
  /** Whose seconds are judged. The cluster's alerts name no instance, so a new leader resolves what the last one fired. */
  scope: 'cluster' | 'instance';
}

/** A receiver that is down or slow costs at most 3 attempts of 2 s each, and 50 notifications of memory. */
const WEBHOOK_DELIVERY = { timeoutMs: 2000, attempts: 3, retryPauseMs: 1000, maxQueued: 50 };

/**
 * The objectives on each second: the sample carries the breached ones; transitions are logged and POSTed. Every instance judges
 * the same seconds (so a new leader goes on where the last stopped); only the one told to notify logs and POSTs.
 */
export class ObjectiveAlerts {
  private readonly evaluator: ObjectiveEvaluator;
  private readonly notifier: WebhookNotifier | null;

  constructor(
    settings: AlertSettings,
    private readonly logger: Logger,
  ) {
    this.evaluator = new ObjectiveEvaluator(settings.objectives);
    const labels: Record<string, string> = settings.scope === 'cluster' ? { scope: 'cluster' } : { instance: 'storyflow' };
    this.notifier = settings.webhookUrl ? new WebhookNotifier({ url: settings.webhookUrl, ...WEBHOOK_DELIVERY, labels }, logger) : null;
  }

  /** The sample with the objectives it breaches (`alerts`; absent when none is set). */
  judge(sample: StatsSample, options: { notify: boolean }): StatsSample {
    if (!this.evaluator.enabled) return sample;
    for (const transition of this.evaluator.observe(sample)) {
      if (!options.notify) continue;
      const { name, value, target } = transition.state;
      this.logger.warn({ objective: name, status: transition.status, value, target }, 'objective ' + transition.status);
      this.notifier?.notify(transition);
    }
    const breached = this.evaluator.current().filter((state) => state.status === 'firing');
    return {
      ...sample,
      alerts: breached.map(({ name, target, value, since, windowSec }) => ({ name, target, value, since: since!, windowSec })),
    };
  }

  /** The objectives now, met or breached (for /api/health). */
  objectives(): ObjectiveState[] {
    return this.evaluator.current();
  }

  stop(): void {
    this.notifier?.stop();
  }
}
