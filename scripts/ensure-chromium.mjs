// Runs on whatever Node the machine has, after ensure-install.mjs: the browser tests drive a system
// Chromium through playwright-core (which downloads no browser). CHROMIUM_PATH names another binary;
// otherwise /usr/bin/chromium, installed with apt-get when we are root on a Debian-like machine.
import { accessSync, constants, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const wanted = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const runnable = (p) => { try { accessSync(p, constants.X_OK); return true; } catch { return false; } };
const fail = (why) => {
  process.stderr.write(`koprogo: the browser tests need Chromium: ${why}\n` +
    '  Debian/Ubuntu: sudo apt-get install -y --no-install-recommends chromium\n' +
    '  or point CHROMIUM_PATH at a Chromium or Chrome binary (e.g. CHROMIUM_PATH=/usr/bin/google-chrome npm test).\n');
  process.exit(1);
};

if (!runnable(wanted)) {
  if (process.env.CHROMIUM_PATH) fail(`CHROMIUM_PATH=${wanted} is not an executable file.`);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const aptGet = ['/usr/bin/apt-get', '/bin/apt-get'].find(existsSync);
  if (!isRoot || !aptGet) fail(`${wanted} is missing${isRoot ? ' and apt-get is not available' : ' (installing it needs root)'}.`);
  process.stdout.write('koprogo: installing Chromium for the browser tests (apt-get install chromium)…\n');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync(aptGet, ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env });
  } catch {
    process.stdout.write('koprogo: retrying after apt-get update…\n');
    try {
      execFileSync(aptGet, ['update'], { stdio: 'inherit', env });
      execFileSync(aptGet, ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env });
    } catch { fail('apt-get could not install the "chromium" package (see above).'); }
  }
  if (!runnable(wanted)) fail(`apt-get finished but ${wanted} is still missing.`);
  process.stdout.write('koprogo: Chromium installed.\n');
}
