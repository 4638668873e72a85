import type { Clock } from '../shared/clock.js';
import type { ReadyQueue, ReadyTask } from './ready-queue.js';

/**
 * Concurrency slots fed from the ready queue: a task holds a worker for its estimate (the simulated
 * work is a timer, so a thousand workers cost no threads). Shrinking never interrupts a task: busy
 * workers above the new size finish and are not refilled.
 */
export class WorkerPool {
  private size: number;
  private busy = 0;
  private running = true;
  private readonly timers = new Set<unknown>();

  constructor(
    private readonly queue: ReadyQueue,
    private readonly onTaskDone: (item: ReadyTask) => void,
    private readonly clock: Clock,
    initialSize: number,
  ) {
    this.size = initialSize;
  }

  get poolSize(): number {
    return this.size;
  }

  get busyWorkers(): number {
    return this.busy;
  }

  resize(size: number): void {
    this.size = size;
    this.pump();
  }

  /** Hands waiting tasks to idle workers; call after tasks were queued. */
  pump(): void {
    while (this.running && this.busy < this.size) {
      const item = this.queue.take();
      if (!item) return;
      this.busy++;
      const handle = this.clock.setTimeout(() => {
        this.timers.delete(handle);
        this.busy--;
        if (!this.running) return;
        this.onTaskDone(item);
        this.pump();
      }, item.task.estimate);
      this.timers.add(handle);
    }
  }

  /** Stops taking tasks and abandons the ones in flight: uncommitted work runs again after restart. */
  stop(): void {
    this.running = false;
    for (const handle of this.timers) this.clock.clearTimeout(handle);
    this.timers.clear();
    this.busy = 0;
  }
}
