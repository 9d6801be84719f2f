// Runs on whatever Node the machine has (it may be older than 24): installs the workspace when
// node_modules is missing or older than the lock file, so `npm start` and `npm test` work on a
// fresh clone, then checks that the Node 24 of the `node` devDependency is there. The scripts
// that follow run on it: npm puts node_modules/.bin first on their PATH.
import { existsSync, statSync } from 'node:fs';
import { execFileSync, execSync } from 'node:child_process';

const marker = 'node_modules/.package-lock.json';
const lock = 'package-lock.json';
const nodeBinary = 'node_modules/.bin/node';
const stale = !existsSync(marker) || !existsSync(nodeBinary) ||
  (existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs + 1000);
if (stale) {
  process.stdout.write('koprogo: installing dependencies (npm ci)…\n');
  execSync(existsSync(lock) ? 'npm ci --no-audit --no-fund' : 'npm install --no-audit --no-fund', { stdio: 'inherit' });
}
const version = existsSync(nodeBinary) ? execFileSync(nodeBinary, ['--version'], { encoding: 'utf8' }).trim() : 'none';
if (Number(version.replace(/^v/, '').split('.')[0]) < 24) {
  process.stderr.write(`koprogo needs Node >= 24 from the "node" devDependency, found ${version} in ${nodeBinary}.\n` +
    'Were install scripts skipped (--ignore-scripts)? Run "npm ci" again with scripts allowed.\n');
  process.exit(1);
}
