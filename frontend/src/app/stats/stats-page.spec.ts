import { jest } from '@jest/globals';
import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { StatsStream, EMPTY_STATS_VIEW } from '../realtime/stats-stream';
import type { StatsView } from '../realtime/stats-window';
import { StatsPage } from './stats-page';

function liveView(second: number): StatsView {
  const labels = Array.from({ length: 20 }, (_, i) => `12:00:${String(second - 19 + i).padStart(2, '0')}`);
  return {
    connection: 'live',
    at: second * 1000,
    figures: {
      producedPerSec: 13,
      completedPerSec: 12,
      open: 4321,
      completed: 98765,
      poolSize: 16,
      busyWorkers: 4,
      backlogTasks: 250,
    },
    chart: { labels, produced: labels.map(() => 13), completed: labels.map(() => 12) },
    dropped: 0,
  };
}

describe('StatsPage', () => {
  const view = signal<StatsView>(EMPTY_STATS_VIEW);
  const start = jest.fn();

  beforeEach(() => {
    view.set(EMPTY_STATS_VIEW);
    start.mockReset();
    // jsdom has no canvas: the chart directive then simply does not draw.
    jest.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
    TestBed.configureTestingModule({
      imports: [StatsPage],
      providers: [{ provide: StatsStream, useValue: { view, start } }],
    });
  });

  async function render() {
    const fixture = TestBed.createComponent(StatsPage);
    await fixture.whenStable();
    return { fixture, el: fixture.nativeElement as HTMLElement };
  }

  const text = (el: HTMLElement, id: string) => el.querySelector(`[data-testid="${id}"]`)?.textContent?.trim();

  it('starts the stream and shows placeholders until data arrives', async () => {
    const { el } = await render();
    expect(start).toHaveBeenCalledTimes(1);
    expect(text(el, 'figure-produced')).toBe('–');
    expect(text(el, 'connection')).toContain('connecting');
    expect(text(el, 'chart-summary')).toBe('No data yet');
    expect(el.querySelector('canvas[data-testid="stats-chart"]')).not.toBeNull();
  });

  it('renders the four figures, the pool and the connection state from the stream', async () => {
    const { fixture, el } = await render();
    view.set(liveView(40));
    await fixture.whenStable();
    expect(text(el, 'figure-produced')).toBe('13');
    expect(text(el, 'figure-completed-per-sec')).toBe('12');
    expect(text(el, 'figure-open')).toBe('4,321');
    expect(text(el, 'figure-completed')).toBe('98,765');
    expect(text(el, 'pool-size')).toBe('16');
    expect(text(el, 'busy-workers')).toBe('4');
    expect(text(el, 'backlog-tasks')).toBe('250');
    expect(text(el, 'connection')).toContain('live');
    expect(el.querySelector('[data-testid="connection"]')?.getAttribute('data-state')).toBe('live');
    expect(text(el, 'chart-summary')).toBe('From 12:00:21 to 12:00:40: 260 produced, 240 completed');
    expect(el.querySelector('[data-testid="dropped"]')).toBeNull();
  });

  it('says how many malformed updates the worker ignored, once there are any', async () => {
    const { fixture, el } = await render();
    view.set({ ...liveView(40), dropped: 1 });
    await fixture.whenStable();
    expect(text(el, 'dropped')).toBe('1 malformed update ignored');
    view.set({ ...liveView(41), dropped: 3 });
    await fixture.whenStable();
    expect(text(el, 'dropped')).toBe('3 malformed updates ignored');
  });

  it('hands the chart a new data object each second', async () => {
    const { fixture } = await render();
    const page = fixture.componentInstance as unknown as { chartData: () => { labels: string[] } };
    view.set(liveView(40));
    await fixture.whenStable();
    const first = page.chartData();
    view.set(liveView(41));
    await fixture.whenStable();
    const second = page.chartData();
    expect(second).not.toBe(first);
    expect(first.labels.at(-1)).toBe('12:00:40');
    expect(second.labels.at(-1)).toBe('12:00:41');
  });

  it('shows reconnecting and offline states', async () => {
    const { fixture, el } = await render();
    view.set({ ...liveView(40), connection: 'reconnecting' });
    await fixture.whenStable();
    expect(text(el, 'connection')).toContain('reconnecting');
    view.set({ ...liveView(40), connection: 'offline' });
    await fixture.whenStable();
    expect(text(el, 'connection')).toContain('offline');
    // Last known figures stay visible.
    expect(text(el, 'figure-open')).toBe('4,321');
  });
});
