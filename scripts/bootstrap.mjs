// Makes `npm start` / `npm test` work on a machine that has only Node and npm:
// installs the pinned pnpm when it is missing, then the workspace's dependencies.
import { execSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const wanted = pkg.packageManager.replace(/^pnpm@/, '');

function pnpmVersion() {
  try {
    return execSync('pnpm --version', { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return null;
  }
}

const have = pnpmVersion();
if (have === null || have.split('.')[0] !== wanted.split('.')[0]) {
  console.log(`kapmap: installing pnpm ${wanted} with npm (found ${have ?? 'none'})`);
  execSync(`npm install --global pnpm@${wanted}`, { stdio: 'inherit' });
}
execSync('pnpm install --frozen-lockfile --prefer-offline', {
  stdio: 'inherit',
  cwd: new URL('..', import.meta.url),
});

// `--scale`: the scale test runs HAProxy from Debian's package (and PostgreSQL's own binaries, which the
// local server brings). Installed the same way as Chromium below.
if (process.argv.includes('--scale') && !['/usr/sbin/haproxy', '/usr/local/sbin/haproxy'].some(existsSync)) {
  const canApt = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (canApt) {
    console.log('kapmap: installing HAProxy from Debian for the scale test');
    execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy', {
      stdio: 'inherit',
    });
  } else {
    console.warn(
      'kapmap: no haproxy; install it (Debian: sudo apt-get install haproxy), or the scale test is skipped',
    );
  }
}

// `--browser`: the end-to-end tests drive Debian's Chromium. Install it when it is missing and this
// machine can (root with apt-get); otherwise say how, and the tests skip (outside CI) with the same note.
if (process.argv.includes('--browser')) {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) {
    const canApt = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
    if (canApt) {
      console.log('kapmap: installing Chromium from Debian for the end-to-end tests');
      execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', {
        stdio: 'inherit',
      });
    } else {
      console.warn(
        `kapmap: no Chromium at ${chromium}; install it (Debian: sudo apt-get install chromium) or set ` +
          'CHROMIUM_PATH, or the end-to-end tests are skipped',
      );
    }
  }
}
