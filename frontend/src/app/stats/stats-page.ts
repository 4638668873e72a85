import { DatePipe, DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { AccessService } from '../core/access/access';
import { Clock } from '../core/clock';
import { Processing } from '../core/processing';
import { ServerInfo } from '../core/server-info';
import { StatsStream } from '../realtime/stats-stream';
import { formatClock } from '../realtime/clock-format';
import type { ConnectionState } from '../realtime/stats-window';
import { backlogEta, describeEta, formatSeconds } from '../realtime/backlog-eta';
import { latencyBlameTexts } from './latency-blame-text';
import { latencyFigures } from './latency-figures';
import { InstanceBreakdown } from './instance-breakdown';
import { instanceRows } from './instance-rows';
import { StatsChart } from './stats-chart';

/**
 * Figures come every second. None for this long while connected (the cluster's statistics are
 * unavailable: Redis unreachable, a leader taking over; or a server too busy to send them) and the
 * screen says so, greyed out, rather than showing old figures as live.
 */
export const LATE_AFTER_MS = 5000;

const CONNECTION_TEXT: Record<ConnectionState | 'late', string> = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  offline: 'offline, retrying…',
  unauthorized: 'needs a token',
  late: 'no new figures',
};

/**
 * Live statistics: four figures, the throughput chart (live minute or persisted history) and the
 * worker pool, broken down by instance in cluster mode. While the connection is down everything is
 * greyed out and says since when: the last figures are not presented as live.
 */
@Component({
  selector: 'sf-stats-page',
  imports: [StatsChart, InstanceBreakdown, DecimalPipe, DatePipe],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './stats-page.html',
  styleUrl: './stats-page.css',
})
export class StatsPage {
  private readonly stream = inject(StatsStream);
  protected readonly processing = inject(Processing);
  protected readonly canMutate = inject(AccessService).canMutate;
  private readonly info = inject(ServerInfo);
  protected readonly view = this.stream.view;
  protected readonly f = computed(() => this.view().figures);
  /** Ticks every second: how long since the feed last showed it works. */
  private readonly now = inject(Clock).now;
  /** Connected, but no figures for LATE_AFTER_MS. */
  protected readonly late = computed(() => {
    const v = this.view();
    return v.connection === 'live' && v.feedAt !== null && this.now() - v.feedAt > LATE_AFTER_MS;
  });
  /** The connection pill: the socket's state, or `late`. */
  protected readonly connectionState = computed(() => (this.late() ? 'late' : this.view().connection));
  protected readonly connectionText = computed(() => CONNECTION_TEXT[this.connectionState()]);
  /** Not connected (after having been, or refused), or no figures coming: the figures are old. */
  protected readonly stale = computed(() => (this.view().connection !== 'live' && this.view().connection !== 'connecting') || this.late());

  /** What the greyed-out screen is: since when, and from when its figures are. */
  protected readonly staleText = computed(() => {
    if (!this.stale()) return null;
    const v = this.view();
    const clock = (t: number | null) => (t === null ? null : formatClock(t));
    const why = this.late()
      ? `Connected, but no figures from the server since ${clock(v.feedAt)}.`
      : v.connection === 'unauthorized'
        ? `Refused: ${v.refusal ?? 'a token is needed'}.`
        : `No connection to the server${v.disconnectedAt === null ? '' : ` since ${clock(v.disconnectedAt)}`}.`;
    return `${why} The figures below are the last known${v.at === null ? '' : ` (${clock(v.at)})`}.`;
  });

  protected readonly figures = computed(() => {
    const f = this.f();
    return [
      { id: 'produced', label: 'Stories produced / s', value: f?.producedPerSec ?? null },
      { id: 'completed-per-sec', label: 'Stories completed / s', value: f?.completedPerSec ?? null },
      { id: 'open', label: 'Open stories', value: f?.open ?? null },
      { id: 'completed', label: 'Completed stories', value: f?.completed ?? null },
    ];
  });

  /** Story latency (accepted → stored Done): the latest second with Done stories, and the live window's. */
  protected readonly latency = computed(() => latencyFigures(this.view().samples));
  /** Where the slowest of those stories' time went, and whether the pool was at its limit (each instance's max, from GET /api/info). */
  protected readonly blame = computed(() => latencyBlameTexts(this.view().samples, this.info.info()?.pool.max));
  protected readonly eta = computed(() => backlogEta(this.view().samples));
  protected readonly etaText = computed(() => describeEta(this.eta()));
  protected readonly oldestText = computed(() => {
    const age = this.eta()?.oldestAgeSec;
    return age === null || age === undefined ? 'No Open story.' : `Oldest Open story: ${formatSeconds(age)} old.`;
  });

  protected readonly busyPercent = computed(() => {
    const f = this.f();
    return f && f.poolSize > 0 ? Math.min(100, (100 * f.busyWorkers) / f.poolSize) : 0;
  });

  /**
   * Cluster mode: each instance's share, with the one whose GET /api/info this dashboard read marked.
   * None while there are no figures (e.g. a server that just restarted has not sent its first second).
   */
  protected readonly instances = computed(() =>
    this.f() ? instanceRows(this.view().samples, this.view().instanceId ?? this.info.info()?.instanceId ?? null) : null,
  );

  constructor() {
    this.stream.start();
    this.info.load();
  }
}
