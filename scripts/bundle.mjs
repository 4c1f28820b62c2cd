// The deployable bundle: what the image copies and what the scale test starts, from one folder that
// needs only Node. `pnpm bundle [folder]` (default dist/kapmap) builds the API and the web app, then
// `pnpm deploy --prod` puts the API with its production dependencies (the workspace packages' builds
// included) in the folder, and the built web app in its `web/`. Run it as `node <folder>/dist/src/main.js
// serve | migrate | create-admin`; env.ts finds `web/` beside it.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const out = resolve(root, process.argv[2] ?? 'dist/kapmap');
const run = (command, args) =>
  execFileSync(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });

if (!process.argv.includes('--no-build'))
  run('pnpm', [
    'exec',
    'turbo',
    'run',
    'build',
    '--filter=@kapmap/api...',
    '--filter=@kapmap/web',
    '--output-logs=errors-only',
  ]);
rmSync(out, { recursive: true, force: true });
// --legacy: the workspace packages are copied as their built folders (no injected-workspace setting needed).
run('pnpm', [
  '--filter',
  '@kapmap/api',
  'deploy',
  '--prod',
  '--legacy',
  '--config.confirmModulesPurge=false',
  out,
]);
const web = join(root, 'apps', 'web', 'dist');
if (!existsSync(join(web, 'index.html'))) throw new Error(`the web app is not built (${web})`);
cpSync(web, join(out, 'web'), { recursive: true });
writeFileSync(
  join(out, 'kapmap'),
  '#!/bin/sh\n# kapmap serve | migrate | create-admin --email … --name …\nexec node "$(dirname "$0")/dist/src/main.js" "$@"\n',
  { mode: 0o755 },
);
console.log(`kapmap bundle in ${out}: ./kapmap serve | migrate | create-admin`);
