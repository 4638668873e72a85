import type { PaletteCommand } from '../core/commands';
import { classifyQuery, matchScore, rankCommands } from './palette-query';
import { shortcutOf } from './shortcuts';

const command = (id: string, label: string, group: PaletteCommand['group'] = 'Go to', keywords?: string): PaletteCommand => ({
  id,
  label,
  group,
  keywords,
  run: () => undefined,
});

describe('classifyQuery', () => {
  it('reads 24 hex digits as a story id, in either case, trimmed and lower-cased', () => {
    expect(classifyQuery(' 65A1b2c3d4e5f60718293a4b ')).toEqual({ kind: 'story-id', id: '65a1b2c3d4e5f60718293a4b' });
  });

  it('reads a number as the original client’s job id (as the server’s search does: up to 15 digits)', () => {
    expect(classifyQuery('4711')).toEqual({ kind: 'job-id', ref: 4711, text: '4711' });
    expect(classifyQuery('1234567890123456')).toEqual({ kind: 'text', text: '1234567890123456' });
  });

  it('reads anything else as text, and blanks as nothing', () => {
    expect(classifyQuery('65a1b2c3d4e5f60718293a4')).toEqual({ kind: 'text', text: '65a1b2c3d4e5f60718293a4' });
    expect(classifyQuery('65a1b2c3d4e5f60718293a4g')).toEqual({ kind: 'text', text: '65a1b2c3d4e5f60718293a4g' });
    expect(classifyQuery('pause')).toEqual({ kind: 'text', text: 'pause' });
    expect(classifyQuery('   ')).toEqual({ kind: 'empty' });
  });
});

describe('matchScore', () => {
  it('ranks a word’s start over a middle over letters in order, and no match as 0', () => {
    expect(matchScore('Go to Stories', 'sto')).toBe(3);
    expect(matchScore('Go to Stories', 'tori')).toBe(2);
    expect(matchScore('Go to Stories', 'gts')).toBe(1);
    expect(matchScore('Go to Stories', 'xyz')).toBe(0);
    expect(matchScore('Go to Stories', 'sg')).toBe(0);
    expect(matchScore('Pause processing', 'pro pau')).toBe(1);
    expect(matchScore('Stop the generator', 'stor')).toBe(0);
  });
});

describe('rankCommands', () => {
  const commands = [
    command('stats', 'Stats'),
    command('stories', 'Stories'),
    command('pause', 'Pause processing', 'Processing', 'stop resume'),
    command('gen', 'Stop the generator', 'Generator', 'load'),
  ];

  it('keeps every command, in order, for an empty query', () => {
    expect(rankCommands(commands, '').map((c) => c.id)).toEqual(['stats', 'stories', 'pause', 'gen']);
  });

  it('drops what does not match and puts the best first', () => {
    expect(rankCommands(commands, 'stor').map((c) => c.id)).toEqual(['stories']);
    expect(rankCommands(commands, 'proc').map((c) => c.id)).toEqual(['pause']);
  });

  it('lists a label match above a keyword match', () => {
    // "Stop the generator" by its label; "Pause processing" only by its keyword "stop".
    expect(rankCommands(commands, 'stop').map((c) => c.id)).toEqual(['gen', 'pause']);
  });
});

describe('shortcutOf', () => {
  const press = (
    key: string,
    mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {},
    target: EventTarget | null = document.body,
  ) => ({
    key,
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    target,
    ...mods,
  });

  it('opens the palette on Ctrl+K and ⌘K, even in a field', () => {
    expect(shortcutOf(press('k', { ctrlKey: true }))).toBe('palette');
    expect(shortcutOf(press('K', { metaKey: true }))).toBe('palette');
    expect(shortcutOf(press('k', { ctrlKey: true }, document.createElement('input')))).toBe('palette');
    expect(shortcutOf(press('k'))).toBeNull();
    expect(shortcutOf(press('k', { ctrlKey: true, altKey: true }))).toBeNull();
  });

  it('shows the shortcuts on ? outside text fields only', () => {
    expect(shortcutOf(press('?'))).toBe('shortcuts');
    expect(shortcutOf(press('?', {}, document.createElement('button')))).toBe('shortcuts');
    expect(shortcutOf(press('?', {}, document.createElement('input')))).toBeNull();
    expect(shortcutOf(press('?', {}, document.createElement('textarea')))).toBeNull();
    const editable = document.createElement('div');
    editable.contentEditable = 'true';
    Object.defineProperty(editable, 'isContentEditable', { value: true });
    expect(shortcutOf(press('?', {}, editable))).toBeNull();
    expect(shortcutOf(press('/'))).toBeNull();
  });
});
