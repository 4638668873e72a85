import type { StoryDoc } from './story.model.js';

interface Entry {
  doc: StoryDoc;
  release: () => void;
  /** When a check first found it missing (null: not yet checked). */
  missingSince: number | null;
}

/** How long a create must stay missing before it counts as not stored: a hung server's write lands when it wakes. */
const MISSING_FOR_MS = 5000;

/**
 * Creates whose insert failed with the database unreachable (503), yet may still land. Once it answers, a stored one is taken on;
 * one missing for MISSING_FOR_MS is dropped and its admission released.
 */
export class UnsettledInserts {
  private readonly entries = new Map<string, Entry>();

  get size(): number {
    return this.entries.size;
  }

  add(doc: StoryDoc, release: () => void): void {
    this.entries.set(doc._id.toHexString(), { doc, release, missingSince: null });
  }

  /** @param stored which of the given ids exist now. Returns the docs found stored (to take on). */
  settle(
    lookedUp: string[],
    stored: Set<string>,
    now: number,
  ): { adopted: { doc: StoryDoc; release: () => void }[]; dropped: number; droppedIds: string[] } {
    const adopted: { doc: StoryDoc; release: () => void }[] = [];
    const droppedIds: string[] = [];
    for (const id of lookedUp) {
      const entry = this.entries.get(id);
      if (!entry) continue;
      if (stored.has(id)) {
        this.entries.delete(id);
        adopted.push({ doc: entry.doc, release: entry.release });
      } else if (entry.missingSince === null) {
        entry.missingSince = now;
      } else if (now - entry.missingSince >= MISSING_FOR_MS) {
        this.entries.delete(id);
        entry.release();
        droppedIds.push(id);
      }
    }
    return { adopted, dropped: droppedIds.length, droppedIds };
  }

  ids(): string[] {
    return [...this.entries.keys()];
  }
}
