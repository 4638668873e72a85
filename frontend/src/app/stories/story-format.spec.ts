import { formatDuration, formatElapsed, plural, storyName } from './story-format';

describe('story format', () => {
  it('formats durations from milliseconds to days, and caps absurd ones', () => {
    expect(formatDuration(null)).toBe('–');
    expect(formatDuration(-1)).toBe('–');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(1234)).toBe('1.23 s');
    expect(formatDuration(12_345)).toBe('12.3 s');
    expect(formatDuration(125_000)).toBe('2 min 05 s');
    expect(formatDuration(3_725_000)).toBe('1 h 02 min');
    expect(formatDuration(3 * 86_400_000 + 4 * 3_600_000)).toBe('3 d 4 h');
    // 1000 tasks of a huge estimate: not "13888888 h 53 min".
    expect(formatDuration(50_000_000_000_000)).toBe('over a year');
  });

  it('formats live counters without decimals', () => {
    expect(formatElapsed(8_900)).toBe('8 s');
    expect(formatElapsed(125_000)).toBe('2 min 05 s');
    expect(formatElapsed(null)).toBe('–');
  });

  it('counts in words', () => {
    expect(plural(1, 'task')).toBe('1 task');
    expect(plural(2, 'task')).toBe('2 tasks');
    expect(plural(1200, 'story', 'stories')).toBe('1,200 stories');
    expect(plural(0, 'story', 'stories')).toBe('0 stories');
  });

  it('names untitled stories by the end of their id', () => {
    expect(storyName({ id: '65f0c0ffee0000000000abcdef'.slice(0, 24), title: 'Release' })).toBe('Release');
    expect(storyName({ id: '0123456789abcdef01234567', title: null })).toBe('Story …234567');
  });
});
