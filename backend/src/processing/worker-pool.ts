import type { Clock } from '../shared/clock.js';
import { reserveOf } from './autoscaler.js';
import type { FairQueue } from './fair-queue.js';
import type { TrackedStory } from './tracked-story.js';

export interface WorkerPoolOptions {
  clock: Clock;
  initialSize: number;
  /** Share of the pool that tasks of long stories may not take, so a short story always finds a worker soon. */
  reserveFraction: number;
  /** A task finished: the story and the task's number. */
  onTaskDone: (story: TrackedStory, n: number) => void;
  /** After a wake-up's completions were handed over (one call per wake-up, for batching). */
  onSettled?: () => void;
  /** A task started (the story's running count changed). */
  onTaskStart?: (story: TrackedStory) => void;
}

/**
 * Workers fed from the fair queue; a task holds one for its estimate, a deadline in a heap behind one timer (no timer or
 * allocation per task). A freed worker starts its next task at its last deadline, not when the timer fired, so timer lateness
 * never idles a worker. Shrinking never interrupts a task.
 */
export class WorkerPool {
  private size: number;
  private busy = 0;
  private busyLong = 0;
  private running = true;
  // Slot i: the story it runs (null: free), the task number, when it is done; heap of busy slots by due time.
  private readonly story: (TrackedStory | null)[] = [];
  private readonly taskN: number[] = [];
  private readonly due: number[] = [];
  private readonly heap: number[] = [];
  private readonly pos: number[] = [];
  private readonly freeSlots: number[] = [];
  private timer: unknown = null;
  private timerDue = Infinity;
  private paused = false;
  /** Deadlines of the workers freed in the current wake-up, in order: when each became free. */
  private readonly freedAt: number[] = [];
  private freedNext = 0;

  constructor(
    private readonly queue: FairQueue,
    private readonly options: WorkerPoolOptions,
  ) {
    this.size = options.initialSize;
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

  /** Workers that long tasks may not take (see `reserveOf`). */
  get reserve(): number {
    return reserveOf(this.size, this.options.reserveFraction);
  }

  /** Paused: running tasks finish, no new ones start. */
  setPaused(paused: boolean): void {
    this.paused = paused;
    this.pump();
  }

  /** Numbers of the tasks of `story` running now. */
  runningTasksOf(story: TrackedStory): number[] {
    const out: number[] = [];
    for (let slot = 0; slot < this.story.length && out.length < story.running; slot++)
      if (this.story[slot] === story) out.push(this.taskN[slot]!);
    return out;
  }

  /** Hands waiting tasks to idle workers; call after tasks were queued. */
  pump(): void {
    if (!this.running) return;
    const now = this.options.clock.now();
    this.fill(now);
    this.arm(now);
  }

  private fill(now: number): void {
    if (this.paused) return;
    const longLimit = this.size - this.reserve;
    while (this.busy < this.size) {
      const story = this.queue.take(this.busyLong < longLimit);
      if (!story) break;
      const i = story.cursor - 1;
      const freed = this.freedNext < this.freedAt.length ? this.freedAt[this.freedNext++]! : now;
      // A worker freed before the story arrived (its timer fired late) starts it on arrival, not before it.
      const start = Math.max(freed, Math.min(story.createdAt, now));
      this.start(story, story.taskNs[i]!, start, start + story.estimates[i]!);
    }
  }

  /** Frees the workers running a deleted story's tasks; their results are never reported. */
  cancel(target: TrackedStory): void {
    if (!target.running) return;
    for (let slot = 0; slot < this.story.length && target.running > 0; slot++) {
      if (this.story[slot] === target) this.finish(slot);
    }
    this.pump();
  }

  /** Stops taking tasks and abandons the ones in flight: uncommitted work runs again after restart. */
  stop(): void {
    this.running = false;
    this.options.clock.clearTimeout(this.timer);
    this.timer = null;
    while (this.heap.length) this.finish(this.heap[0]!);
  }

  private start(story: TrackedStory, n: number, now: number, due: number): void {
    const slot = this.freeSlots.pop() ?? this.story.length;
    this.story[slot] = story;
    this.taskN[slot] = n;
    this.due[slot] = due;
    story.running++;
    story.startedAt ??= now;
    this.busy++;
    if (story.long) this.busyLong++;
    this.heapPush(slot);
    this.options.onTaskStart?.(story);
  }

  /** Releases a busy slot; returns its story. */
  private finish(slot: number): TrackedStory {
    const story = this.story[slot]!;
    this.heapRemove(slot);
    this.story[slot] = null;
    this.freeSlots.push(slot);
    story.running--;
    this.busy--;
    if (story.long) this.busyLong--;
    return story;
  }

  private wake(): void {
    this.timer = null;
    this.timerDue = Infinity;
    if (!this.running) return;
    const now = this.options.clock.now();
    // Tasks started at a freed worker's deadline may be due already: complete and refill until none is.
    while (this.heap.length && this.due[this.heap[0]!]! <= now) {
      while (this.heap.length && this.due[this.heap[0]!]! <= now) {
        const slot = this.heap[0]!;
        const n = this.taskN[slot]!;
        this.freedAt.push(this.due[slot]!);
        this.options.onTaskDone(this.finish(slot), n);
      }
      if (!this.running) return;
      this.fill(now);
    }
    this.freedAt.length = 0;
    this.freedNext = 0;
    this.arm(now);
    this.options.onSettled?.();
  }

  /** One timer, for the earliest deadline; re-armed only when that moves earlier. */
  private arm(now: number): void {
    if (!this.heap.length) return;
    const next = this.due[this.heap[0]!]!;
    if (next >= this.timerDue) return;
    if (this.timer !== null) this.options.clock.clearTimeout(this.timer);
    this.timerDue = next;
    this.timer = this.options.clock.setTimeout(() => this.wake(), Math.max(0, next - now));
  }

  // Indexed binary heap of slots by due time (pos[slot] = index in heap, so cancel is O(log n)).
  private heapPush(slot: number): void {
    this.heap.push(slot);
    this.pos[slot] = this.heap.length - 1;
    this.siftUp(this.heap.length - 1);
  }

  private heapRemove(slot: number): void {
    const i = this.pos[slot]!;
    const last = this.heap.pop()!;
    if (i < this.heap.length) {
      this.heap[i] = last;
      this.pos[last] = i;
      this.siftDown(i);
      this.siftUp(i);
    }
  }

  private siftUp(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.due[h[p]!]! <= this.due[h[i]!]!) break;
      this.swap(i, p);
      i = p;
    }
  }

  private siftDown(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.due[h[l]!]! < this.due[h[m]!]!) m = l;
      if (r < h.length && this.due[h[r]!]! < this.due[h[m]!]!) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  private swap(a: number, b: number): void {
    const h = this.heap;
    const x = h[a]!;
    h[a] = h[b]!;
    h[b] = x;
    this.pos[h[a]] = a;
    this.pos[h[b]] = b;
  }
}
