import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { SMTPServer } from 'smtp-server';

/**
 * kapmap as an operator runs it, on loopback: API processes started from the bare bundle (what the image
 * copies), HAProxy with infra/haproxy/haproxy.cfg in front, and an SMTP sink that keeps what it receives.
 */
export const repo = resolve(import.meta.dirname, '..', '..');
export const HAPROXY_CFG = join(repo, 'infra', 'haproxy', 'haproxy.cfg');

export function haproxyBin(): string | null {
  return ['/usr/sbin/haproxy', '/usr/local/sbin/haproxy'].find((p) => existsSync(p)) ?? null;
}

/** A free loopback port (the OS picks; closed again at once). */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? ok(address.port) : fail(new Error('no port')),
      );
    });
  });
}

/** `pnpm bundle` into `dir`, from the builds already made (turbo builds them before the scale test). */
export function makeBundle(dir: string): string {
  execFileSync(process.execPath, [join(repo, 'scripts', 'bundle.mjs'), dir, '--no-build'], {
    cwd: repo,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return dir;
}

export interface Settings {
  primaryUrl: string;
  replicaUrl?: string;
  smtpPort: number;
  publicUrl: string;
  phiKey: string;
}

/** The environment of a replica: production, as the image runs it, and nothing from this process's. */
function environment(
  settings: Settings,
  port: number,
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_URL: settings.primaryUrl,
    ...(settings.replicaUrl ? { DATABASE_READ_URL: settings.replicaUrl } : {}),
    PHI_KEY: settings.phiKey,
    SMTP_URL: `smtp://127.0.0.1:${settings.smtpPort}`,
    PUBLIC_URL: settings.publicUrl,
    // HAProxy is the proxy: the client's address comes from X-Forwarded-For.
    TRUST_PROXY: 'true',
    // Plain HTTP on loopback: the cookie without Secure (everything else as in production).
    SECURE_COOKIES: 'false',
    MIGRATE_ON_START: 'false',
    SHUTDOWN_DELAY_MS: '1500',
    DB_POOL_SIZE: '6',
    LOG_LEVEL: 'info',
    DEMO_DATA: 'true',
    ...extra,
  };
}

export const newPhiKey = () => randomBytes(32).toString('base64');

/** Runs a command of the bundle (`migrate`, `create-admin …`) to its end; its output. */
export function runCommand(bundle: string, settings: Settings, args: string[]): string {
  return execFileSync(process.execPath, [join(bundle, 'dist', 'src', 'main.js'), ...args], {
    env: environment(settings, 1),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export interface ApiProcess {
  name: string;
  port: number;
  url: string;
  child: ChildProcess;
  /** Everything it wrote (JSON log lines). */
  output(): string;
  /** SIGTERM, then the exit code once it has gone. */
  terminate(): Promise<number | null>;
  kill9(): Promise<void>;
}

export async function startApi(
  bundle: string,
  settings: Settings,
  name: string,
  port: number,
  extra: Record<string, string> = {},
): Promise<ApiProcess> {
  const child = spawn(process.execPath, [join(bundle, 'dist', 'src', 'main.js'), 'serve'], {
    env: environment(settings, port, extra),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
  const output = await untilReady(name, child, url, 60_000);
  return {
    name,
    port,
    url,
    child,
    output,
    terminate: async () => {
      child.kill('SIGTERM');
      return exited;
    },
    kill9: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * Keeps what a started process writes, and waits until `url`/readyz answers 200 through it; a process that
 * exits first fails with what it wrote. Returns the output so far, as it grows.
 */
async function untilReady(name: string, child: ChildProcess, url: string, ms: number): Promise<() => string> {
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  await waitFor(`${name} ready`, ms, async () => {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}):\n${output}`);
    return (
      (await fetch(`${url}/readyz`)
        .then((r) => r.status)
        .catch(() => 0)) === 200
    );
  });
  return () => output;
}

export async function waitFor(what: string, ms: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface Balancer {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/** HAProxy in the foreground with kapmap's configuration, in front of up to three replicas. */
export async function startHaproxy(port: number, backends: number[]): Promise<Balancer> {
  const bin = haproxyBin();
  if (!bin) throw new Error('no haproxy (apt-get install haproxy)');
  const [a, b = a, c = a] = backends;
  const child = spawn(bin, ['-db', '-f', HAPROXY_CFG], {
    env: {
      PATH: process.env.PATH,
      KAPMAP_LB_BIND: `127.0.0.1:${port}`,
      KAPMAP_API_1: `127.0.0.1:${a}`,
      KAPMAP_API_2: `127.0.0.1:${b}`,
      KAPMAP_API_3: `127.0.0.1:${c}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = `http://127.0.0.1:${port}`;
  const output = await untilReady('haproxy', child, url, 20_000);
  return {
    url,
    output,
    stop: async () => {
      if (child.exitCode !== null) return;
      const gone = new Promise((ok) => child.once('exit', ok));
      child.kill('SIGTERM');
      await gone;
    },
  };
}

export interface Mail {
  to: string;
  subject: string;
  raw: string;
}

export interface SmtpSink {
  port: number;
  received: Mail[];
  stop(): Promise<void>;
}

/** An SMTP server (smtp-server, from npm) that accepts every message and keeps it. */
export async function startSmtpSink(port: number): Promise<SmtpSink> {
  const received: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, done) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => {
        raw += chunk.toString('utf8');
      });
      stream.on('end', () => {
        const subject = raw.match(/^Subject: (.*)$/m)?.[1] ?? '';
        for (const to of session.envelope.rcptTo) received.push({ to: to.address, subject, raw });
        done();
      });
    },
  });
  await new Promise<void>((ok) => server.listen(port, '127.0.0.1', ok));
  return { port, received, stop: () => new Promise((ok) => server.close(() => ok())) };
}

export interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read the JSON they asked for.
  body: any;
  server: string | null;
  cookie: string | undefined;
}

/** A GraphQL POST, as the web app sends it; a network failure is status 0. */
export async function gql(
  base: string,
  query: string,
  variables: Record<string, unknown> = {},
  cookie?: string,
): Promise<Answer> {
  try {
    const res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(20_000),
    });
    const text = await res.text();
    const set = res.headers.getSetCookie().find((c) => c.startsWith('kapmap_session='));
    return {
      status: res.status,
      body: text.startsWith('{') ? JSON.parse(text) : text,
      server: res.headers.get('x-kapmap-server'),
      cookie: set ? (set.split(';')[0] as string) : undefined,
    };
  } catch (error) {
    return { status: 0, body: String(error), server: null, cookie: undefined };
  }
}
