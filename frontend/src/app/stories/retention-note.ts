import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { ServerInfo } from '../core/server-info';
import { formatElapsed, plural } from './story-format';

/**
 * Says, where stories are listed, that this server removes finished stories (the in-memory mode keeps
 * its collection small): otherwise a Done story simply vanishes. Nothing when they are kept.
 */
@Component({
  selector: 'sf-retention-note',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (text(); as t) {
      <p class="note" data-testid="retention-note">
        {{ t }} <span class="muted hint">Set with RETENTION_DONE_SECONDS and RETENTION_MAX_DONE_TASKS on the server.</span>
      </p>
    }
  `,
  styles: `
    .note {
      margin: 0 0 1rem;
      padding: 0.5rem 0.75rem;
      border-radius: 6px;
      background: var(--info-bg);
      font-size: 0.9rem;
    }
    @media (max-width: 720px) {
      .hint {
        display: none;
      }
    }
  `,
})
export class RetentionNote {
  private readonly info = inject(ServerInfo).info;
  protected readonly text = computed(() => {
    const info = this.info();
    if (!info) return null;
    const { doneSeconds, maxDoneTasks } = info.retention;
    const parts: string[] = [];
    if (doneSeconds > 0) parts.push(`Done stories are removed ${formatElapsed(doneSeconds * 1000)} after they finish`);
    if (maxDoneTasks > 0) parts.push(`the oldest go first beyond ${plural(maxDoneTasks, 'stored Done task')}`);
    if (parts.length === 0) return null;
    const mode = info.db.mode === 'embedded-memory' ? ' in this mode (in-memory database)' : '';
    return `${parts.join('; ')}${mode}.`.replace(/^./, (c) => c.toUpperCase());
  });
}
