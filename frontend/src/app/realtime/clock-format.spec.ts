import { formatClock, stepLabel } from './clock-format';

describe('chart labels', () => {
  const t = new Date(2026, 11, 7, 9, 5, 3).getTime(); // local time, as the labels are

  it('says the time to the second, the minute or with its day, as the step is long', () => {
    expect(formatClock(t)).toBe('09:05:03');
    expect(stepLabel(15)(t)).toBe('09:05:03');
    expect(stepLabel(60)(t)).toBe('09:05');
    expect(stepLabel(300)(t)).toBe('09:05');
    expect(stepLabel(1800)(t)).toBe('7 Dec 09:05');
    expect(stepLabel(43_200)(t)).toBe('7 Dec 09:05');
  });
});
