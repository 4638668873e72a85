/**
 * One-way dependencies (npm run lint). The backend's folders follow the data flow:
 *   main/server → composition (the stages it runs) → http, realtime → stories → processing, stats → db, metrics, access, shared
 * A lower folder never imports a higher one; where it needs something from above it declares a small
 * interface (processing/ports.ts, realtime/stats-feed.ts, …) and server.ts passes the implementation in.
 * The dashboard: screens (stats, stories, simulator) → core, realtime; never a screen from another.
 * Packages talk only through their public entry points (ESLint checks the import paths as written).
 */
const backend = (folder) => `^backend/src/${folder}/`;
const forbid = (name, from, to, comment) => ({ name, comment, severity: 'error', from: { path: from }, to: { path: to } });

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'Modules and folders import each other one way only.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    forbid('shared-is-a-leaf', backend('shared'), '^backend/src/(?!shared/)', 'shared/ imports nothing of ours.'),
    forbid('access-is-a-leaf', backend('access'), '^backend/src/(?!access/|shared/)', 'access/ (tokens, origins, addresses) stands alone.'),
    forbid('metrics-is-a-leaf', backend('metrics'), '^backend/src/(?!metrics/)', 'metrics/ declares what it reads.'),
    forbid('db-below-domain', backend('db'), '^backend/src/(?!db/|shared/|logger\\.ts)', 'db/ knows no feature.'),
    forbid(
      'stats-below-processing',
      backend('stats'),
      '^backend/src/(processing|stories|http|realtime)/',
      'stats/ declares the interfaces it reads.',
    ),
    forbid(
      'processing-below-stories',
      backend('processing'),
      '^backend/src/(stories|http|realtime|db)/',
      'processing/ declares its ports.',
    ),
    forbid(
      'stories-below-the-edges',
      backend('stories'),
      '^backend/src/(http|realtime)/',
      'Domain errors live with the domain; only http/ maps them to statuses.',
    ),
    forbid(
      'realtime-reads-declared-feeds',
      backend('realtime'),
      '^backend/src/(http|stories|processing|db)/',
      'realtime/ declares the feeds it reads.',
    ),
    forbid(
      'cluster-coordinates-through-interfaces',
      backend('cluster'),
      '^backend/src/(http|realtime|stories|processing|stats|db)/',
      'cluster/ (Redis coordination) declares what it works on; server.ts adapts the rest.',
    ),
    forbid(
      'http-calls-declared-endpoints',
      backend('http'),
      '^backend/src/(stories|processing)/',
      'http/ declares what its handlers call (http/endpoints.ts); server.ts passes the implementation in.',
    ),
    forbid('http-is-not-realtime', backend('http'), '^backend/src/realtime/', 'The two edges do not know each other.'),
    forbid(
      'only-the-root-composes',
      '^backend/src/(?!server\\.ts|main\\.ts)',
      '^backend/src/(server|main)\\.ts$',
      'main.ts and server.ts are the composition root.',
    ),
    forbid(
      'only-the-root-runs-the-stages',
      '^backend/src/(?!server\\.ts|composition/)',
      '^backend/src/composition/',
      'composition/ holds the stages server.ts runs in data-flow order; no feature imports them.',
    ),
    forbid('src-never-imports-tests', '^backend/src/', '^backend/test/', 'Production code does not depend on tests.'),
    forbid(
      'contracts-is-a-leaf',
      '^contracts/src/',
      '^(backend|frontend|test-support|bench|chaos)/',
      'contracts/ is shared by backend and frontend.',
    ),
    forbid(
      'screens-use-core-and-realtime',
      '^frontend/src/app/(stats|stories|simulator|audit|palette)/',
      '^frontend/src/app/(?!core/|realtime/|$1/)(stats|stories|simulator|audit|palette)/',
      'A screen never imports another screen.',
    ),
    forbid(
      'core-and-realtime-below-screens',
      '^frontend/src/app/(core|realtime)/',
      '^frontend/src/app/(stats|stories|simulator|audit|palette)/',
      'core/ and realtime/ import no screen.',
    ),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(node_modules|dist|\\.angular|test-results|playwright-report)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
