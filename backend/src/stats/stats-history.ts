import type { StatsSample } from '@storyflow/contracts';

/** The last `capacity` seconds of samples, oldest first. Pure: no clock, no I/O. */
export class StatsHistory {
  private readonly buffer: StatsSample[] = [];
  private start = 0;

  constructor(readonly capacity: number) {}

  push(sample: StatsSample): void {
    if (this.buffer.length < this.capacity) {
      this.buffer.push(sample);
    } else {
      this.buffer[this.start] = sample;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  toArray(): StatsSample[] {
    return [...this.buffer.slice(this.start), ...this.buffer.slice(0, this.start)];
  }

  get latest(): StatsSample | undefined {
    return this.buffer.length ? this.buffer[(this.start + this.buffer.length - 1) % this.buffer.length] : undefined;
  }
}
