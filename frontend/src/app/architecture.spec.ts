import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The import direction of README.md, checked on the sources: screens use `core/`, `realtime/` (and specs `testing/`),
 * never each other, and the lower folders import no screen. (The root files are the composition root.)
 */
const appDir = dirname(fileURLToPath(import.meta.url));
const SCREENS = ['stats', 'stories', 'simulator', 'not-found', 'palette', 'audit'];
// testing/: helpers of the specs only.
const LOWER = ['core', 'realtime', 'testing'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** `stories/story-form.ts` → `stories`; null for the root files. */
function folderOf(file: string): string | null {
  const parts = relative(appDir, file).split(sep);
  return parts.length > 1 ? parts[0] : null;
}

/** Folder → the other app folders its files import from. */
function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sources(appDir)) {
    const from = folderOf(file);
    if (from === null) continue;
    const deps = graph.get(from) ?? new Set<string>();
    graph.set(from, deps);
    // `from '…'`, `import '…'` and `import('…')` with a relative path.
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/\b(?:from|import)\s*\(?\s*'(\.[^']*)'/g)) {
      const to = folderOf(resolve(dirname(file), specifier));
      // Any folder's specs may use the specs' helpers.
      if (to === 'testing' && file.endsWith('.spec.ts')) continue;
      if (to !== null && to !== from) deps.add(to);
    }
  }
  return graph;
}

describe('app folder dependencies', () => {
  const graph = folderGraph();

  it('knows every folder', () => {
    expect([...graph.keys()].sort()).toEqual([...SCREENS, ...LOWER].sort());
  });

  it('screens import only core/ and realtime/', () => {
    for (const screen of SCREENS)
      expect({ screen, imports: [...graph.get(screen)!].filter((f) => !LOWER.includes(f)) }).toEqual({ screen, imports: [] });
  });

  it('core/ and realtime/ import no screen, nor each other', () => {
    for (const lower of LOWER) expect({ lower, imports: [...graph.get(lower)!] }).toEqual({ lower, imports: [] });
  });
});
