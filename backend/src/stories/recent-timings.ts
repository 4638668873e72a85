import { phasesOf, type StoryTimingDto } from '@storyflow/contracts';

/** A story's moments as stored: accepted, Done (null: not yet), and when it started and ran until where stored with it. */
export interface StoredMoments {
  id: string;
  createdAt: number;
  completedAt: number | null;
  ran: { startedAt: number; ranUntil: number } | null;
}

/** Stories whose moments are kept: ≈ 100 bytes each. */
const KEPT = 20_000;

/**
 * When the stories run here lately (the newest KEPT) started their first task and finished their last, for the `timing` of
 * GET /api/stories/:id where the completion did not store them with the story (the stand-in's one write shared by many stories,
 * see StorageProfile.completions). Noted as the last task finishes, so a story read Done already has them. After a restart, or
 * for a story run on another instance, those are not known.
 */
export class RecentTimings {
  private readonly ran = new Map<string, { startedAt: number; ranUntil: number }>();

  constructor(private readonly kept = KEPT) {}

  ranAll(id: string, startedAt: number | null, ranUntil: number | null): void {
    if (startedAt === null || ranUntil === null) return;
    this.ran.set(id, { startedAt, ranUntil });
    if (this.ran.size > this.kept) this.ran.delete(this.ran.keys().next().value!);
  }

  /** Another instance stored it Done: what it ran here is not what was stored. */
  forget(id: string): void {
    this.ran.delete(id);
  }

  /** A Done story's phases, from its stored moments, with those noted here where it has none of its own (null: not known). */
  timingOf(story: StoredMoments): StoryTimingDto | null {
    const ran = story.ran ?? this.ran.get(story.id);
    const phases = ran && phasesOf({ createdAt: story.createdAt, completedAt: story.completedAt, ...ran });
    if (!phases || phases.some((ms) => ms < 0)) return null;
    return { waitingMs: phases[0], runningMs: phases[1], committingMs: phases[2] };
  }
}
