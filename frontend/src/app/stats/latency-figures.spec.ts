import { describe, expect, it } from '@jest/globals';
import { latencySecond } from '@storyflow/contracts/latency';
import { statsSample } from '../testing/stats-sample';
import { latencyFigures } from './latency-figures';

const sample = statsSample;

describe('latency figures', () => {
  it('the latest second with Done stories, exact; the window within 1 % from its sketches, bucket bounds without them', () => {
    const samples = [sample(0, { latency: latencySecond([21, 22, 23]) }), sample(1, { latency: latencySecond([300]) }), sample(2)];
    const figures = latencyFigures(samples);
    expect(figures.second).toEqual({ count: 1, p50: 300, p95: 300, p99: 300 });
    expect(figures.window).toEqual({ count: 4, p50: 22, p95: 301.9, p99: 301.9 });
    const withoutSketch = samples.map((s) => (s.latency ? { ...s, latency: { ...s.latency, sketch: undefined } } : s));
    expect(latencyFigures(withoutSketch).window).toEqual({ count: 4, p50: 22, p95: 500, p99: 500, approximate: true });
    expect(latencyFigures([sample(0)])).toEqual({ second: null, window: null });
  });
});
