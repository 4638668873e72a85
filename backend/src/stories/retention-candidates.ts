import type { StoryRef } from './story.repository.js';

interface DoneEntry {
  taskCount: number;
  completedAt: number;
}

export interface DoneRef extends StoryRef {
  completedAt: number;
}

/**
 * Retention's candidates: the Done stories known stored here, oldest completion first (a Map's insertion order). One over
 * `capacity` makes it `incomplete` for good: the database then says which are oldest.
 */
export class RetentionCandidates {
  private readonly entries = new Map<string, DoneEntry>();
  private missed = false;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  /** Some stored Done story was not listed (the list was full). */
  get incomplete(): boolean {
    return this.missed;
  }

  add(id: string, taskCount: number, completedAt: number): void {
    if (this.missed) return;
    if (this.entries.size >= this.capacity) {
      this.missed = true;
      this.entries.clear();
      return;
    }
    this.entries.set(id, { taskCount, completedAt });
  }

  remove(id: string): void {
    this.entries.delete(id);
  }

  /** Up to `limit` of the oldest, completed before `before` if given; they leave the list (taken to be removed). */
  take(limit: number, before?: number): DoneRef[] {
    const out: DoneRef[] = [];
    for (const [id, entry] of this.entries) {
      if (out.length >= limit || (before !== undefined && entry.completedAt >= before)) break;
      out.push({ id, status: 'Done', taskCount: entry.taskCount, completedAt: entry.completedAt });
    }
    for (const ref of out) this.entries.delete(ref.id);
    return out;
  }

  /** Puts back what could not be removed (the database failed), oldest first again. */
  restore(refs: DoneRef[]): void {
    const rest = [...this.entries];
    this.entries.clear();
    for (const ref of refs) this.entries.set(ref.id, { taskCount: ref.taskCount, completedAt: ref.completedAt });
    for (const [id, entry] of rest) this.entries.set(id, entry);
  }
}
