#!/usr/bin/env node
// Runs npm scripts at the same time, each line of their output prefixed with its name; exits non-zero if any
// failed (after all have ended, so every failure is shown), then prints each one's wall time.
//   node test-support/bin/run-parallel.mjs "test:unit -w backend" "test -w frontend"
import { spawn } from 'node:child_process';

const scripts = process.argv.slice(2);
if (scripts.length === 0) {
  process.stderr.write('usage: run-parallel.mjs "<npm script> [args]" …\n');
  process.exit(2);
}

const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];
const width = Math.max(...scripts.map((s) => s.length));

const results = await Promise.all(
  scripts.map(
    (script) =>
      new Promise((resolve) => {
        const started = Date.now();
        const label = `[${script.padEnd(width)}] `;
        const child = spawn(npm[0], [...npm.slice(1), 'run', ...script.split(' ')], {
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '0' },
        });
        for (const [stream, out] of [
          [child.stdout, process.stdout],
          [child.stderr, process.stderr],
        ]) {
          let rest = '';
          stream.on('data', (chunk) => {
            const lines = (rest + chunk.toString()).split('\n');
            rest = lines.pop() ?? '';
            for (const line of lines) out.write(`${label}${line}\n`);
          });
          stream.on('end', () => rest && out.write(`${label}${rest}\n`));
        }
        child.on('error', (error) => resolve({ script, code: 1, seconds: 0, error }));
        child.on('close', (code, signal) => resolve({ script, code: code ?? (signal ? 1 : 0), seconds: (Date.now() - started) / 1000 }));
      }),
  ),
);

for (const r of results)
  process.stdout.write(
    `${r.code === 0 ? 'ok    ' : 'FAILED'} ${r.script.padEnd(width)} ${r.seconds.toFixed(1)} s${r.error ? ` (${r.error})` : ''}\n`,
  );
process.exit(results.some((r) => r.code !== 0) ? 1 : 0);
