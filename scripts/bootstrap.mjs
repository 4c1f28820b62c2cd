// Makes `npm start` / `npm test` work on a machine that has only Node and npm:
// installs the pinned pnpm when it is missing, then the workspace's dependencies.
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

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
