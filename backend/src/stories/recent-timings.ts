import { phasesOf, type StoryTimingDto } from '@storyflow/contracts';

/** Stories whose moments are kept: ≈ 100 bytes each. */
const KEPT = 20_000;

/**
 * When the stories run here lately (the newest KEPT) started their first task and finished their last, for the `timing` of
 * GET /api/stories/:id (with the stored createdAt and completedAt). Noted as the last task finishes, so a story read Done already
 * has them. Kept in memory, not stored: a completion is one write shared by many stories, which cannot carry a value per story,
 * and a write per story costs the in-memory database a scan of its collection each. After a restart, or for a story run on another
 * instance, they are not known.
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

  /** A Done story's phases, from its stored createdAt and completedAt and the moments noted here (null: not known). */
  timingOf(story: { id: string; createdAt: number; completedAt: number | null }): StoryTimingDto | null {
    const ran = this.ran.get(story.id);
    const phases = ran && phasesOf({ createdAt: story.createdAt, completedAt: story.completedAt, ...ran });
    if (!phases || phases.some((ms) => ms < 0)) return null;
    return { waitingMs: phases[0], runningMs: phases[1], committingMs: phases[2] };
  }
}
