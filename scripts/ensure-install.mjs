// Runs on whatever Node the machine has (it may be older than 24): installs the
// workspace when node_modules is missing or older than the lock file, so that
// `npm start` and `npm test` work on a fresh clone with nothing else typed.
import { existsSync, statSync } from 'node:fs';
import { execSync } from 'node:child_process';

const marker = 'node_modules/.package-lock.json';
const lock = 'package-lock.json';
const nodeBinary = 'node_modules/.bin/node';
const stale = !existsSync(marker) || !existsSync(nodeBinary) ||
  (existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs + 1000);
if (stale) {
  process.stdout.write('koprogo: installing dependencies (npm ci)…\n');
  execSync(existsSync(lock) ? 'npm ci --no-audit --no-fund' : 'npm install --no-audit --no-fund', { stdio: 'inherit' });
}
