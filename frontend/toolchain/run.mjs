// Runs a frontend tool (`ng`, `jest`) on a Node.js that Angular supports.
//
// Angular 22 declares `engines.node` `^22.22.3 || ^24.15.0 || >=26.0.0` and its CLI refuses to start on anything
// older. Where the Node.js running npm satisfies that range, the tool runs on it, as is. Where it does not (the
// project's machines and CI run Node.js 20), the tool runs on the Node.js 22 build that the registry package
// `node-<platform>-<arch>` ships (pinned, with its integrity, in toolchain/package-lock.json; no install script):
// installed once into toolchain/node_modules with `npm ci`, then put first on the tool's PATH, so the tool's
// `#!/usr/bin/env node` and the processes it starts run on it. Only these tools do: the server, its tests and
// everything else keep the machine's Node.js. (It is not a dependency in the root lockfile on purpose: its `node`
// bin would land in the root node_modules/.bin and every npm script of every workspace would run on it.)
//
// Usage, from a frontend npm script: node toolchain/run.mjs <command> [args…]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const [command, ...args] = process.argv.slice(2);
if (!command) {
  process.stderr.write('usage: node toolchain/run.mjs <command> [args…]\n');
  process.exit(2);
}

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
const require = createRequire(join(here, '..', 'package.json'));
const range = readJson(require.resolve('@angular/core/package.json')).engines.node;

/** Whether `version` (x.y.z) is in `range`, as Angular writes it: `^x.y.z` and `>=x.y.z` alternatives joined by `||`. */
const satisfies = (version, range) => {
  const parse = (v) => v.split('.').map(Number);
  const atLeast = (a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
  const v = parse(version);
  return range.split('||').some((alternative) => {
    const match = /^\s*(\^|>=)\s*(\d+\.\d+\.\d+)\s*$/.exec(alternative);
    if (!match) return false;
    const min = parse(match[2]);
    return atLeast(v, min) >= 0 && (match[1] === '>=' || v[0] === min[0]);
  });
};

const env = { ...process.env };
if (!satisfies(process.versions.node, range)) {
  const name = `node-${process.platform}-${process.arch}`;
  const locked = readJson(join(here, 'package-lock.json')).packages[`node_modules/${name}`];
  if (!locked) {
    process.stderr.write(
      `Angular needs Node.js ${range}; this is ${process.version}, and toolchain/package.json has no Node.js build for ` +
        `${process.platform}-${process.arch}: install a supported Node.js.\n`,
    );
    process.exit(1);
  }
  const dir = join(here, 'node_modules', name);
  const installed = existsSync(join(dir, 'package.json')) ? readJson(join(dir, 'package.json')).version : null;
  if (installed !== locked.version) {
    process.stdout.write(
      `Angular needs Node.js ${range}; this is ${process.version}: installing Node.js ${locked.version} (npm package ${name}) ` +
        'into frontend/toolchain/node_modules for the frontend tools…\n',
    );
    // The npm that runs this script (npm_execpath), else the one on PATH.
    const npm = process.env['npm_execpath'] ? [process.execPath, process.env['npm_execpath']] : ['npm'];
    const ci = spawnSync(npm[0], [...npm.slice(1), 'ci', '--prefix', here, '--no-audit', '--no-fund', '--loglevel=error'], {
      stdio: 'inherit',
    });
    if (ci.status !== 0) process.exit(ci.status ?? 1);
  }
  const bin = join(dir, 'bin');
  const version = spawnSync(join(bin, 'node'), ['--version'], { encoding: 'utf8' }).stdout?.trim().replace(/^v/, '');
  if (!version || !satisfies(version, range)) {
    process.stderr.write(`${join(bin, 'node')} (${version ?? 'not runnable'}) is not a Node.js ${range}.\n`);
    process.exit(1);
  }
  env['PATH'] = `${bin}${delimiter}${env['PATH'] ?? ''}`;
}

const child = spawn(command, args, { stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('error', (error) => {
  process.stderr.write(`${command}: ${error.message}\n`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  if (signal) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  } else process.exit(code ?? 1);
});
