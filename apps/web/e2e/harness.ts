import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const apiMain = resolve(here, '../../api/dist/src/main.js');
const webDist = resolve(here, '../dist');

/** Debian's Chromium (`apt-get install chromium`); never a downloaded browser. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Whether the end-to-end tests can run here. In CI they must: a missing browser or build fails the run
 * rather than skipping it. Elsewhere they are skipped with a note saying what to install.
 */
export function e2eAvailable(): boolean {
  const missing = [
    existsSync(chromiumPath) ? null : `Chromium at ${chromiumPath} (apt-get install -y chromium)`,
    existsSync(apiMain) ? null : `the built API (${apiMain})`,
    existsSync(join(webDist, 'index.html')) ? null : `the built web app (${webDist})`,
  ].filter(Boolean);
  if (missing.length === 0) return true;
  const message = `end-to-end tests need ${missing.join(', ')}; run \`pnpm build\` and install Chromium`;
  if (process.env.CI) throw new Error(message);
  console.warn(`skipping: ${message}`);
  return false;
}

/** Screenshots go here (git-ignored); the run prints the path. */
export const screenshotDir = resolve(here, '../test-output/screenshots');

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => ok(port));
    });
  });
}

export interface App {
  url: string;
  /** With `admin`: the single-use link create-admin printed for the first platform admin to set a password. */
  adminLink: string | null;
  /** What the server has printed so far (its start-up lines, and emails without SMTP). */
  output(): string;
  stop(): Promise<void>;
}

/** Runs a command of the API to its end, with the app's environment; its output, or a thrown error. */
function runCli(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (d) => {
      output += d;
    });
    child.stderr?.on('data', (d) => {
      output += d;
    });
    child.once('exit', (code) =>
      code === 0 ? ok(output) : fail(new Error(`${script} exited ${code}:\n${output}`)),
    );
  });
}

/**
 * The product as `pnpm start` runs it: the built API process serving the built web app, on a fresh PGlite
 * data folder seeded with the demo data, on a free port.
 */
export async function startApp(
  options: {
    admin?: { email: string; name: string };
    /** A PostgreSQL database to serve instead of a fresh PGlite folder with the demo data (the benchmark's). */
    databaseUrl?: string;
  } = {},
): Promise<App> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'kapmap-e2e-'));
  const url = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: url,
    PGLITE_DIR: join(dataDir, 'pglite'),
    PHI_KEY_FILE: join(dataDir, 'phi.key'),
    DATABASE_URL: options.databaseUrl ?? '',
    MAPBOX_TOKEN: '',
    MAPBOX_PUBLIC_TOKEN: '',
    WEB_ROOT: webDist,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'test',
  };
  // The first platform admin is made as an operator would: create-admin, before the server holds the folder.
  let adminLink: string | null = null;
  if (options.admin) {
    const out = await runCli(
      apiMain,
      ['create-admin', '--email', options.admin.email, '--name', options.admin.name],
      env,
    );
    adminLink = out.match(/https?:\/\/\S+\/reset-password\?token=\S+/)?.[0] ?? null;
    if (!adminLink) throw new Error(`create-admin printed no link:\n${out}`);
  }
  const child: ChildProcess = spawn(process.execPath, [apiMain, 'serve'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${output}`);
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`the server did not answer within 90 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    adminLink,
    output: () => output,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Everything a page reported breaking its Content-Security-Policy, over the whole run. */
export const cspViolations: string[] = [];

export interface Browser {
  context: BrowserContext;
  newPage(width?: number, height?: number): Promise<Page>;
  close(): Promise<void>;
}

/** Headless Chromium with the flags this machine needs (STACK.md); WebGL works with --disable-gpu. */
export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'kapmap-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
    viewport: { width: 1280, height: 900 },
  });
  return {
    context,
    async newPage(width = 1280, height = 900) {
      const page = await context.newPage();
      await page.setViewportSize({ width, height });
      page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) cspViolations.push(`${page.url()}: ${m.text()}`);
      });
      return page;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export function ensureScreenshotDir(): string {
  mkdirSync(screenshotDir, { recursive: true });
  return screenshotDir;
}

/** Waits until the result list shows the search in the URL, not the one before it (the selection aside). */
export async function listSettled(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const pane = document.querySelector('.list-pane');
    const url = new URLSearchParams(location.search);
    url.delete('selected');
    return pane?.getAttribute('aria-busy') === 'false' && pane.getAttribute('data-search') === url.toString();
  });
}

/** What the live map draws now, read through maplibre's own API (window.__kapmapMap). */
export interface Rendered {
  loaded: boolean;
  zoom: number;
  /** Location IDs drawn as single points. */
  points: string[];
  /** The counts of drawn clusters. */
  clusters: number[];
  /** The counts the cluster labels show, one per label drawn (needs the map's fonts to work offline). */
  labels: number[];
}

export async function rendered(page: Page): Promise<Rendered> {
  return page.evaluate(() => {
    type F = { layer: { id: string }; properties: Record<string, unknown> };
    const map = window.__kapmapMap as
      | { loaded(): boolean; getZoom(): number; queryRenderedFeatures(o: { layers: string[] }): F[] }
      | undefined;
    if (!map) return { loaded: false, zoom: 0, points: [], clusters: [], labels: [] };
    const q = (layer: string) => map.queryRenderedFeatures({ layers: [layer] });
    return {
      loaded: map.loaded(),
      zoom: map.getZoom(),
      points: [...new Set(q('points').map((f) => String(f.properties.id)))],
      clusters: q('clusters').map((f) => Number(f.properties.point_count)),
      labels: q('cluster-count').map((f) => Number(f.properties.point_count)),
    };
  });
}

/**
 * Waits until the map has drawn `count` clinic locations, as points and clusters together, or with
 * `unclustered`, as `count` single points (once it has zoomed to fit them).
 */
export async function waitForMap(page: Page, count: number, unclustered = false): Promise<Rendered> {
  // First the view is fitted to the search, then its clusters and points settle.
  await page.locator('section.map[data-fitted="true"]').first().waitFor({ timeout: 30_000 });
  let last: Rendered | undefined;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    last = await rendered(page);
    const drawn = last.points.length + last.clusters.reduce((a, b) => a + b, 0);
    if (last.loaded && drawn === count && (!unclustered || last.points.length === count)) return last;
    await page.waitForTimeout(200);
  }
  throw new Error(`the map did not draw ${count} locations: ${JSON.stringify(last)}`);
}

/** Fails on every serious or critical axe-core violation on the page as it is now (the map's canvas aside). */
export async function expectAccessible(page: Page, what: string) {
  const result = await new AxeBuilder({ page }).exclude('.maplibregl-canvas').analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    bad.map(
      (v) =>
        `${what}: ${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    ),
  ).toEqual([]);
}

/**
 * A GraphQL client over HTTP that keeps its session cookie, for setting the scene of a test through the
 * public API (as another person would, in another browser), never by writing to the database.
 */
export function apiClient(url: string) {
  let cookie = '';
  // biome-ignore lint/suspicious/noExplicitAny: tests walk response JSON freely.
  return async function gql<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}) {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const set = res.headers.getSetCookie();
    for (const header of set) cookie = header.split(';')[0] ?? cookie;
    const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
    if (body.errors?.length) throw new Error(`${body.errors[0]?.message} (in ${query.slice(0, 60)}…)`);
    return body.data as T;
  };
}
