import { DecimalPipe, NgTemplateOutlet } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, input, linkedSignal } from '@angular/core';
import { instancesSummary, type InstanceRow } from './instance-rows';

/**
 * The cluster's instances, one row each: pool, busy workers, backlog, last heartbeat, which one
 * this dashboard's server is; stale and gone ones are marked in words, not only in color. A table on
 * wide screens, a card per instance on a phone (the same content; CSS shows one of the two).
 *
 * Shown once there are two instances (a single server has nothing to break down); from then on it
 * stays while the page is open, and the space of the most rows shown so far stays reserved, so
 * instances coming and going never shorten the page under the pointer.
 */
@Component({
  selector: 'sf-instance-breakdown',
  imports: [DecimalPipe, NgTemplateOutlet],
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '[class.reserving]': 'reserved() > 0', '[style.--instance-rows]': 'reserved()' },
  templateUrl: './instance-breakdown.html',
  styleUrl: './instance-breakdown.css',
})
export class InstanceBreakdown {
  /** Null outside cluster mode (or before the first figures). */
  readonly rows = input.required<readonly InstanceRow[] | null>();
  /** The live connection is up: the instance it talks to is "connected", else it "was connected". */
  readonly live = input.required<boolean>();
  protected readonly connectedText = computed(() => (this.live() ? 'connected' : 'was connected'));

  /** Rows whose space is reserved: the most shown so far; 0 until the breakdown is first shown. */
  protected readonly reserved = linkedSignal<readonly InstanceRow[] | null, number>({
    source: this.rows,
    computation: (rows, previous) => {
      const n = rows?.length ?? 0;
      const before = previous?.value ?? 0;
      return before > 0 || n >= 2 ? Math.max(n, before) : 0;
    },
  });

  protected readonly shown = computed(() => {
    const rows = this.rows();
    return rows && rows.length > 0 && this.reserved() > 0 ? rows : null;
  });

  protected readonly summary = computed(() => instancesSummary(this.shown() ?? []));
}
