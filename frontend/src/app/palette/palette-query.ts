import { isStoryId } from '@storyflow/contracts/story';
import type { PaletteCommand } from '../core/commands';

/**
 * What was typed: a story's id (24 hex digits), the original client's job id (a number: the stories search
 * matches it against `externalRef`, as `searchFilter` in the backend's story repository does), or text.
 */
export type PaletteQuery =
  { kind: 'story-id'; id: string } | { kind: 'job-id'; ref: number; text: string } | { kind: 'text'; text: string } | { kind: 'empty' };

/** The numbers the server's search reads as a job id (`/^\d{1,15}$/` in `searchFilter`). */
const JOB_ID = /^\d{1,15}$/;

export function classifyQuery(raw: string): PaletteQuery {
  const text = raw.trim();
  if (text === '') return { kind: 'empty' };
  if (isStoryId(text)) return { kind: 'story-id', id: text.toLowerCase() };
  if (JOB_ID.test(text)) return { kind: 'job-id', ref: Number(text), text };
  return { kind: 'text', text };
}

/**
 * How well `query` matches `target` (either case): 3 when a word starts with it, 2 when it is inside, 1 when
 * each of its words starts a word ("pro pau") or its letters are the words' initials in order ("gts" for "Go
 * to Stories"), 0 when not at all (letters merely in order are noise: "stor" is not "Stop the generator").
 */
export function matchScore(target: string, query: string): number {
  const t = target.toLowerCase();
  const q = query.toLowerCase().trim();
  if (q === '') return 1;
  if (t.startsWith(q) || t.includes(` ${q}`)) return 3;
  if (t.includes(q)) return 2;
  const words = t.split(/\s+/);
  const parts = q.split(/\s+/);
  if (parts.length > 1 && parts.every((part) => words.some((word) => word.startsWith(part)))) return 1;
  let at = 0;
  const initials = words.map((word) => word[0]).join('');
  for (const letter of q) {
    at = initials.indexOf(letter, at) + 1;
    if (at === 0) return 0;
  }
  return 1;
}

/**
 * The commands that match `query`, best first; equal scores keep their given order (the palette lists them
 * by group). The label counts before the keywords: "stories" puts "Stories" above a command that only
 * mentions them.
 */
export function rankCommands(commands: readonly PaletteCommand[], query: string): PaletteCommand[] {
  return commands
    .map((command, index) => {
      const label = matchScore(`${command.group} ${command.label}`, query);
      const keywords = command.keywords ? matchScore(command.keywords, query) : 0;
      return { command, index, score: Math.max(label * 2, keywords * 2 - 1) };
    })
    .filter((entry) => entry.score > 0)
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .map((entry) => entry.command);
}
