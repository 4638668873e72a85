import { PHASES, type Phase } from '@storyflow/contracts/latency-blame';
import type { StoryTimingDto } from '@storyflow/contracts/story';
import { formatDuration } from '../story-format';

/** One phase of a Done story's latency, as the detail page lists and draws it. */
export interface PhaseRow {
  id: Phase;
  label: string;
  /** "1.24 s · 85 %" (of the time it took), or a dash while not known. */
  value: string;
  /** Its part of the bar, % of the three together. */
  width: number;
}

/** What the story was doing in each phase. */
export const PHASE_LABELS: Record<Phase, string> = {
  waiting: 'Waiting for a worker',
  running: 'Running its tasks',
  committing: 'Waiting for its commit (database)',
};

/** Whole percents, but a phase that took some time never reads 0 %, nor one that left time to the others 100 %. */
function percent(part: number, of: number): string {
  const p = (100 * part) / of;
  const rounded = Math.round(p);
  if (rounded === 0 && p > 0) return '< 1 %';
  if (rounded === 100 && p < 100) return '> 99 %';
  return `${rounded} %`;
}

/**
 * Where a story's latency went: waiting, running, committing, each with its time and its share of `processingMs`
 * (accepted → stored Done; the three add up to it), or of their sum where it is not known. Always three rows: dashes
 * and an empty bar while the timing is not known (Open, or not recorded), so the page keeps its shape when it comes.
 */
export function phaseRows(timing: StoryTimingDto | null, processingMs: number | null): PhaseRow[] {
  const ms = timing ? [timing.waitingMs, timing.runningMs, timing.committingMs] : null;
  const total = ms ? ms.reduce((a, b) => a + b, 0) : 0;
  const of = processingMs !== null && processingMs > 0 ? processingMs : total;
  return PHASES.map((id, i) => {
    const part = ms?.[i];
    if (part === undefined) return { id, label: PHASE_LABELS[id], value: '–', width: 0 };
    return {
      id,
      label: PHASE_LABELS[id],
      value: of > 0 ? `${formatDuration(part)} · ${percent(part, of)}` : formatDuration(part),
      width: total > 0 ? (100 * part) / total : 0,
    };
  });
}
