import type { StoryProgressDto } from '@storyflow/contracts';
import type { ChangedStory, StoryChange } from '../processing/ports.js';
import type { Clock } from '../shared/clock.js';
import type { StoryQueries } from './story-queries.js';
import { Listeners } from '../shared/listeners.js';

/** The processor's changes as the live views need them: an id to read progress of, or the final state captured as it leaves. */
export class ProgressChanges {
  private readonly listeners = new Listeners<[id: string, final: StoryProgressDto | null]>();

  constructor(private readonly clock: Clock) {}

  note(story: ChangedStory, change: StoryChange): void {
    if (!this.listeners.size) return;
    const final = change === 'progress' ? null : finalState(story, change, this.clock.now());
    this.listeners.emit(story.id, final);
  }

  /** The realtime side's view: live progress read from the service, and these changes. */
  source(stories: Pick<StoryQueries, 'liveProgress'>) {
    return {
      progress: (id: string) => stories.liveProgress(id),
      onChange: (listener: (id: string, final: StoryProgressDto | null) => void) => this.listeners.add(listener),
    };
  }
}

function finalState(story: ChangedStory, change: Exclude<StoryChange, 'progress'>, now: number): StoryProgressDto {
  const done = change !== 'removed';
  return {
    id: story.id,
    status: done ? 'Done' : 'Deleted',
    taskCount: story.taskCount,
    doneCount: done ? story.taskCount : 0,
    runningTasks: 0,
    running: [],
    startedAt: story.startedAt === null ? null : new Date(story.startedAt).toISOString(),
    completedAt: done ? new Date(now).toISOString() : null,
  };
}
