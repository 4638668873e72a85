import { describe, expect, it } from '@jest/globals';
import { phaseRows } from './story-phases';

describe('story phases', () => {
  it('lists the three phases in order, each with its time, its share of the latency and of the bar', () => {
    expect(phaseRows({ waitingMs: 1700, runningMs: 250, committingMs: 50 }, 2000)).toEqual([
      { id: 'waiting', label: 'Waiting for a worker', value: '1.70 s · 85 %', width: 85 },
      { id: 'running', label: 'Running its tasks', value: '250 ms · 13 %', width: 12.5 },
      { id: 'committing', label: 'Waiting for its commit (database)', value: '50 ms · 3 %', width: 2.5 },
    ]);
  });

  it('reads the share of the time the story took, the bar of the three together', () => {
    // Rounding on the server's side: the phases add up to a little less than processingMs.
    const rows = phaseRows({ waitingMs: 0, runningMs: 300, committingMs: 100 }, 500);
    expect(rows.map((r) => r.value)).toEqual(['0 ms · 0 %', '300 ms · 60 %', '100 ms · 20 %']);
    expect(rows.map((r) => r.width)).toEqual([0, 75, 25]);
    // Not known: of the three.
    expect(phaseRows({ waitingMs: 100, runningMs: 300, committingMs: 0 }, null).map((r) => r.value)).toEqual([
      '100 ms · 25 %',
      '300 ms · 75 %',
      '0 ms · 0 %',
    ]);
  });

  it('never rounds a phase that took time to 0 %, nor one that left some to the others to 100 %', () => {
    expect(phaseRows({ waitingMs: 9_990, runningMs: 6, committingMs: 4 }, 10_000).map((r) => r.value)).toEqual([
      '9.99 s · > 99 %',
      '6 ms · < 1 %',
      '4 ms · < 1 %',
    ]);
  });

  it('keeps its three rows with dashes and an empty bar while the timing is not known', () => {
    expect(phaseRows(null, 2000)).toEqual([
      { id: 'waiting', label: 'Waiting for a worker', value: '–', width: 0 },
      { id: 'running', label: 'Running its tasks', value: '–', width: 0 },
      { id: 'committing', label: 'Waiting for its commit (database)', value: '–', width: 0 },
    ]);
    // A story done in no time at all: no share to speak of.
    expect(phaseRows({ waitingMs: 0, runningMs: 0, committingMs: 0 }, 0).map((r) => [r.value, r.width])).toEqual([
      ['0 ms', 0],
      ['0 ms', 0],
      ['0 ms', 0],
    ]);
  });
});
