import type { Processor } from '../processing/processor.js';
import type { CounterCache } from '../stats/counter-cache.js';
import { toWork } from './story.mapper.js';
import type { StoryDoc } from './story.model.js';

/** Hands a stored story to the processor, with its admission reservation, and counts it produced. */
export type TakeOn = (doc: StoryDoc, reservation: () => void) => void;

export const storyIntake =
  (processor: Processor, counters: CounterCache): TakeOn =>
  (doc, reservation) => {
    counters.storyProduced();
    processor.add(toWork(doc), reservation);
  };
