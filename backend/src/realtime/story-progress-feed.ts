import type { StoryProgressDto } from '@storyflow/contracts';

/** What the watch feature reads: a story's live progress, and word of changes (declared here, provided by the composition root). */
export interface ProgressSource {
  /** Current figures of a story held in memory here, or null. */
  progress(id: string): StoryProgressDto | null;
  /** Changes: `progress` (read back with `progress`), or a final state the story has left memory with. */
  onChange(listener: (id: string, final: StoryProgressDto | null) => void): () => void;
}
