import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Answer,
  type ApiProcess,
  type Balancer,
  freePort,
  gql,
  haproxyBin,
  makeBundle,
  newPhiKey,
  runCommand,
  type Settings,
  type SmtpSink,
  startApi,
  startHaproxy,
  startSmtpSink,
  waitFor,
} from '../scale/fleet.js';
import { type Cluster, postgresBin, startCluster } from '../scale/postgres.js';

/**
 * Three API processes behind HAProxy act as one service: a PostgreSQL primary with a streaming replica,
 * the replicas started from the bare bundle (what the image runs), an SMTP sink, all on 127.0.0.1.
 * The steps run in order and share the fleet; each says what a person or an operator would observe.
 */
const missing = [postgresBin() ? null : 'PostgreSQL server binaries', haproxyBin() ? null : 'haproxy'].filter(
  Boolean,
);
if (missing.length > 0 && process.env.CI) throw new Error(`the scale test needs ${missing.join(' and ')}`);

const PASSWORD = 'correct horse battery staple';
const SEARCH = `query Search { searchLocations(place: "Raleigh, NC", radius: 100, first: 5) {
  totalCount edges { node { id name clinic { id name } } } } }`;
const VIEWER = `query Viewer { viewer { id email } }`;

let dir: string;
let cluster: Cluster;
let smtp: SmtpSink;
let lb: Balancer;
let bundle: string;
let settings: Settings;
const apis: ApiProcess[] = [];
const ports: number[] = [];

const ok = (a: Answer) => a.status === 200 && typeof a.body === 'object' && !a.body.errors;

async function signUp(email: string): Promise<string> {
  const res = await gql(lb.url, `mutation SignUp($input: SignUpInput!) { signUp(input: $input) { id } }`, {
    input: { email, password: PASSWORD, displayName: `Person ${email.split('@')[0]}` },
  });
  expect(res.body.errors).toBeUndefined();
  if (!res.cookie) throw new Error('no session cookie');
  return res.cookie;
}

/**
 * A steady, bounded load through the balancer (an anonymous search and a signed-in read, in turns, from a
 * few clients with a pause between requests), until stopped: what every request got.
 */
function steadyLoad(cookie: string, clients = 3, pauseMs = 40) {
  let running = true;
  const answers: Answer[] = [];
  const loops = Array.from({ length: clients }, async (_, i) => {
    for (let n = i; running; n++) {
      answers.push(await (n % 2 ? gql(lb.url, VIEWER, {}, cookie) : gql(lb.url, SEARCH)));
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  });
  return {
    answers,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return answers;
    },
  };
}

const describeScale = missing.length > 0 ? describe.skip : describe;

describeScale('three replicas behind HAProxy', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kapmap-scale-'));
    // PostgreSQL's user (when this runs as root) must reach its folder inside.
    chmodSync(dir, 0o755);
    const [primaryPort, replicaPort, smtpPort, lbPort, ...apiPorts] = await Promise.all(
      Array.from({ length: 7 }, () => freePort()),
    );
    ports.push(...(apiPorts as number[]));
    cluster = await startCluster(join(dir, 'pg'), primaryPort as number, replicaPort as number);
    smtp = await startSmtpSink(smtpPort as number);
    bundle = makeBundle(join(dir, 'bundle'));
    settings = {
      primaryUrl: cluster.primaryUrl,
      replicaUrl: cluster.replicaUrl,
      smtpPort: smtpPort as number,
      publicUrl: `http://127.0.0.1:${lbPort}`,
      phiKey: newPhiKey(),
    };
    // The migration step, once, as the compose service or the Kubernetes Job runs it.
    expect(runCommand(bundle, settings, ['migrate'])).toMatch(/migrations applied.*demo data seeded/);
    apis.push(
      ...(await Promise.all(ports.map((port, i) => startApi(bundle, settings, `api${i + 1}`, port)))),
    );
    lb = await startHaproxy(lbPort as number, ports);
  });

  afterAll(async () => {
    await lb?.stop();
    for (const api of apis) if (api.child.exitCode === null) await api.kill9();
    await smtp?.stop();
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('spreads requests over the three replicas', async () => {
    const served = new Set<string | null>();
    for (let i = 0; i < 9; i++) {
      const res = await gql(lb.url, SEARCH);
      expect(ok(res)).toBe(true);
      served.add(res.server);
    }
    expect([...served].sort()).toEqual(['api1', 'api2', 'api3']);
  });

  it('keeps a session made through one replica on all of them, and signing out through one ends it for all', async () => {
    const cookie = await signUp('session@example.org');
    for (const api of apis)
      expect((await gql(api.url, VIEWER, {}, cookie)).body.data.viewer.email).toBe('session@example.org');
    const out = await gql(apis[1]?.url as string, `mutation SignOut { signOut }`, {}, cookie);
    expect(out.body.data.signOut).toBe(true);
    for (const api of apis) expect((await gql(api.url, VIEWER, {}, cookie)).body.data.viewer).toBeNull();
  });

  it('holds the sign-in rate limit across replicas', async () => {
    await signUp('guessed@example.org');
    const codes: string[] = [];
    const servers = new Set<string | null>();
    for (let i = 0; i < 8; i++) {
      const res = await gql(
        lb.url,
        `mutation SignIn($input: SignInInput!) { signIn(input: $input) { id } }`,
        {
          input: { email: 'guessed@example.org', password: `wrong guess ${i}` },
        },
      );
      codes.push(res.body.errors?.[0]?.extensions?.code);
      servers.add(res.server);
    }
    expect(servers.size).toBe(3);
    // Five failures for one account, counted together whichever replica took each; then refused.
    expect(codes).toEqual([...Array(5).fill('SIGN_IN_FAILED'), ...Array(3).fill('TOO_MANY_ATTEMPTS')]);
  });

  it('sends each queued email exactly once, with three workers draining one outbox', async () => {
    const emails = Array.from({ length: 15 }, (_, i) => `mail-${i}@example.org`);
    await Promise.all(emails.map((e) => signUp(e)));
    await waitFor('the confirmations', 60_000, async () =>
      emails.every((e) => smtp.received.some((m) => m.to === e)),
    );
    // Two more rounds of every worker: nothing is sent a second time.
    await new Promise((r) => setTimeout(r, 5000));
    for (const e of emails) expect(smtp.received.filter((m) => m.to === e)).toHaveLength(1);
    const seen = new Map<string, number>();
    for (const m of smtp.received)
      seen.set(`${m.to} ${m.subject}`, (seen.get(`${m.to} ${m.subject}`) ?? 0) + 1);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    const [left] = await cluster.sql(
      'primary',
    )`SELECT count(*)::int AS n FROM email_outbox WHERE sent_at IS NULL`;
    expect(left?.n).toBe(0);
  });

  it('answers public search from the read replica, and a signed-in read from the primary', async () => {
    const first = await gql(lb.url, SEARCH);
    const clinic = first.body.data.searchLocations.edges[0].node.clinic;
    const CLINIC = `query Clinic($id: ID!) { clinic(id: $id) { name } }`;
    const cookie = await signUp('reader@example.org');
    // Hold the replica at this point of the primary's history, then rename the clinic on the primary.
    await cluster.sql('replica')`SELECT pg_wal_replay_pause()`;
    try {
      const renamed = `${clinic.name} (renamed)`;
      await cluster.sql('primary')`UPDATE clinics SET name = ${renamed} WHERE name = ${clinic.name}`;
      for (let i = 0; i < 3; i++) {
        expect((await gql(lb.url, CLINIC, { id: clinic.id })).body.data.clinic.name).toBe(clinic.name);
        expect((await gql(lb.url, CLINIC, { id: clinic.id }, cookie)).body.data.clinic.name).toBe(renamed);
      }
    } finally {
      await cluster.sql('replica')`SELECT pg_wal_replay_resume()`;
    }
    await waitFor('the replica to catch up', 10_000, async () =>
      (await gql(lb.url, CLINIC, { id: clinic.id })).body.data.clinic.name.endsWith('(renamed)'),
    );
  });

  it('fails no request through a rolling restart (SIGTERM to each replica in turn) under steady load', async () => {
    const cookie = await signUp('rolling@example.org');
    const load = steadyLoad(cookie);
    for (let i = 0; i < apis.length; i++) {
      const old = apis[i] as ApiProcess;
      expect(await old.terminate()).toBe(0);
      apis[i] = await startApi(bundle, settings, old.name, old.port);
      // HAProxy takes it back after two good checks (500 ms apart).
      await new Promise((r) => setTimeout(r, 1500));
    }
    const answers = await load.stop();
    const failed = answers.filter((a) => !ok(a));
    expect(answers.length).toBeGreaterThan(100);
    expect(failed.map((a) => `${a.status} ${JSON.stringify(a.body).slice(0, 200)}`)).toEqual([]);
  });

  it('routes around a replica killed with kill -9, and retried sendReferral creates no duplicate', async () => {
    // A verified provider, as an operator makes one: create-admin, the admin's password, verifyProvider.
    const link = runCommand(bundle, settings, [
      'create-admin',
      '--email',
      'ops@example.org',
      '--name',
      'Ops',
    ]);
    const token = link.match(/token=([\w-]+)/)?.[1];
    const admin = await gql(
      lb.url,
      `mutation Reset($input: ResetPasswordInput!) { resetPassword(input: $input) { id } }`,
      {
        input: { token, newPassword: PASSWORD },
      },
    );
    expect(admin.body.errors).toBeUndefined();
    const provider = await signUp('referrer@example.org');
    const me = await gql(
      lb.url,
      `mutation Register { registerAsProvider(input: { npi: "1000000004", name: "Dr Fictional", practice: "Sample Practice", specialty: "Psychiatry", state: "NC" }) { npi } }`,
      {},
      provider,
    );
    expect(me.body.errors).toBeUndefined();
    const { body: who } = await gql(lb.url, VIEWER, {}, provider);
    const verified = await gql(
      lb.url,
      `mutation Verify($id: ID!) { verifyProvider(userId: $id) { npi } }`,
      { id: who.data.viewer.id },
      admin.cookie,
    );
    expect(verified.body.errors).toBeUndefined();
    const location = (await gql(lb.url, SEARCH)).body.data.searchLocations.edges[0].node.id;

    const load = steadyLoad(provider);
    const SEND = `mutation Send($input: SendReferralInput!) { sendReferral(input: $input) { id } }`;
    const keys = Array.from({ length: 12 }, () => randomUUID());
    let attempts = 0;
    const send = async (key: string, i: number) => {
      // Each client retries with the same key until it has an answer: a network error, a 5xx, or a
      // database that was away are all worth another try.
      for (let tries = 1; ; tries++) {
        attempts++;
        const res = await gql(
          lb.url,
          SEND,
          {
            input: {
              locationId: location,
              idempotencyKey: key,
              urgency: 'SOON',
              conditions: ['trd'],
              route: 'iv',
              insurance: null,
              patient: {
                name: `Fictional Patient ${i}`,
                dateOfBirth: '1980-01-01',
                phone: '(919) 555-0100',
                homePostalCode: '27609',
                reason: 'Fictional reason',
                screening: {
                  uncontrolledHypertension: 'NO',
                  psychosisOrMania: 'NO',
                  pregnancy: 'NO',
                  substanceUseDisorder: 'NO',
                  priorKetamine: 'NO',
                },
              },
            },
          },
          provider,
        );
        if (ok(res)) return res.body.data.sendReferral.id as string;
        const code = res.body?.errors?.[0]?.extensions?.code;
        const transient = res.status === 0 || res.status >= 500 || code === 'DATABASE_UNAVAILABLE';
        if (!transient || tries >= 50)
          throw new Error(`sendReferral: ${res.status} ${JSON.stringify(res.body)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const sending = keys.map((key, i) => new Promise((r) => setTimeout(r, i * 60)).then(() => send(key, i)));
    await new Promise((r) => setTimeout(r, 250));
    const victim = apis[1] as ApiProcess;
    await victim.kill9();
    const ids = await Promise.all(sending);
    // HAProxy has noticed: requests after the kill all succeed.
    await new Promise((r) => setTimeout(r, 1500));
    const before = load.answers.length;
    await new Promise((r) => setTimeout(r, 1500));
    const answers = await load.stop();
    expect(answers.slice(before).filter((a) => !ok(a))).toEqual([]);
    // Only what was in flight on the killed process could fail: at most one request per client.
    expect(answers.filter((a) => !ok(a)).length).toBeLessThanOrEqual(3);
    expect(attempts).toBeGreaterThanOrEqual(keys.length);
    expect(new Set(ids).size).toBe(keys.length);
    const rows = await cluster.sql('primary')`SELECT count(*)::int AS n FROM referrals`;
    expect(rows[0]?.n).toBe(keys.length);
    apis[1] = await startApi(bundle, settings, victim.name, victim.port);
  });

  it('goes unready while the primary restarts, and serves again without restarting a replica', async () => {
    const cookie = await signUp('restart@example.org');
    cluster.stopPrimary();
    try {
      await waitFor('every replica unready', 20_000, async () => {
        const states = await Promise.all(apis.map((a) => fetch(`${a.url}/readyz`).then((r) => r.status)));
        return states.every((s) => s === 503);
      });
      // Signed-in reads fail fast with a code while the primary is away.
      const away = await gql(apis[0]?.url as string, VIEWER, {}, cookie);
      expect(JSON.stringify(away.body)).toMatch(/DATABASE_UNAVAILABLE/);
    } finally {
      cluster.startPrimary();
    }
    await waitFor('every replica ready', 30_000, async () => {
      const states = await Promise.all(apis.map((a) => fetch(`${a.url}/readyz`).then((r) => r.status)));
      return states.every((s) => s === 200);
    });
    await new Promise((r) => setTimeout(r, 1500));
    for (let i = 0; i < 6; i++) {
      expect(ok(await gql(lb.url, VIEWER, {}, cookie))).toBe(true);
      expect(ok(await gql(lb.url, SEARCH))).toBe(true);
    }
    for (const api of apis) expect(api.child.exitCode).toBeNull();
  });

  it('logs JSON lines only, with request ids from HAProxy, and no token from a link in either log', async () => {
    await fetch(`${lb.url}/reset-password?token=secret-looking-token-0123456789abcdef`);
    for (const api of apis) {
      const lines = api.output().split('\n').filter(Boolean);
      const notJson = lines.filter((line) => {
        try {
          JSON.parse(line);
          return false;
        } catch {
          return true;
        }
      });
      expect(notJson.slice(0, 20), api.name).toEqual([]);
      expect(lines.some((l) => /"reqId":"[0-9a-f-]{36}"/.test(l))).toBe(true);
      expect(api.output()).not.toMatch(/token=|@example\.org|Fictional Patient/);
    }
    expect(lb.output()).not.toMatch(/secret-looking-token/);
    expect((await fetch(`${lb.url}/metrics`)).status).toBe(404);
  });
});
