import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, type IContainer, type IPodSpec, Service } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

/**
 * What an operator deploys, checked here without a cluster or a container engine: every Kubernetes manifest
 * against the Kubernetes schemas (kubernetes-models), compose.yaml parsed and wired up, the Containerfile's
 * stages and user, and HAProxy's configuration by haproxy itself when it is installed.
 */
const infra = join(import.meta.dirname, '..');
const read = (path: string) => readFileSync(join(infra, path), 'utf8');

// biome-ignore lint/suspicious/noExplicitAny: manifests are plain YAML until a model checks them.
type Manifest = Record<string, any>;
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
};

function validate(manifest: Manifest): void {
  const Model = MODELS[`${manifest.apiVersion}/${manifest.kind}`];
  if (!Model) throw new Error(`no schema here for ${manifest.apiVersion} ${manifest.kind}`);
  new Model(manifest as never).validate();
}

const kustomization = parse(read('k8s/base/kustomization.yaml'));
const manifests: Manifest[] = (kustomization.resources as string[]).flatMap((file) =>
  parseAllDocuments(read(join('k8s/base', file))).map((doc) => doc.toJSON()),
);
const byKind = (kind: string) => {
  const found = manifests.filter((m) => m.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0] as Manifest;
};

const SECRETS = ['DATABASE_URL', 'DATABASE_READ_URL', 'PHI_KEY', 'SMTP_URL'];

function secretKeys(container: IContainer): string[] {
  return (container.env ?? []).flatMap((e) =>
    e.valueFrom?.secretKeyRef?.name === 'kapmap' ? [e.valueFrom.secretKeyRef.key] : [],
  );
}

function expectRestricted(pod: IPodSpec, container: IContainer) {
  expect(pod.securityContext).toMatchObject({
    runAsNonRoot: true,
    seccompProfile: { type: 'RuntimeDefault' },
  });
  expect(pod.automountServiceAccountToken).toBe(false);
  expect(container.securityContext).toMatchObject({
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
  });
  expect(container.resources?.requests).toMatchObject({
    cpu: expect.any(String),
    memory: expect.any(String),
  });
  expect(container.resources?.limits).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
  // The only writable place: /tmp (the server keeps nothing on disk on PostgreSQL).
  expect(container.volumeMounts?.map((v) => v.mountPath)).toEqual(['/tmp']);
}

describe('the Kubernetes base', () => {
  it('is valid against the Kubernetes schemas, every manifest', () => {
    expect(manifests.map((m) => m.kind).sort()).toEqual([
      'ConfigMap',
      'Deployment',
      'HorizontalPodAutoscaler',
      'Job',
      'PodDisruptionBudget',
      'Service',
    ]);
    for (const manifest of manifests) expect(() => validate(manifest), manifest.kind).not.toThrow();
  });

  it('would catch a manifest that is not valid', () => {
    const broken = structuredClone(byKind('Deployment'));
    broken.spec.replicas = 'three';
    expect(() => validate(broken)).toThrow(/replicas/);
    const noImage = structuredClone(byKind('Deployment'));
    delete noImage.spec.template.spec.containers[0].name;
    expect(() => validate(noImage)).toThrow(/name/);
  });

  it('serves with probes on /healthz and /readyz, restricted, within resources, its secrets referenced', () => {
    const deployment = byKind('Deployment');
    const pod = deployment.spec.template.spec as IPodSpec;
    const [api] = pod.containers;
    if (!api) throw new Error('no container');
    expect(api.args).toEqual(['serve']);
    expect(api.livenessProbe?.httpGet?.path).toBe('/healthz');
    expect(api.readinessProbe?.httpGet?.path).toBe('/readyz');
    expect(api.startupProbe?.httpGet?.path).toBe('/healthz');
    expectRestricted(pod, api);
    expect(secretKeys(api).sort()).toEqual([...SECRETS].sort());
    expect(api.envFrom?.[0]?.configMapRef?.name).toBe(byKind('ConfigMap').metadata.name);
    // Draining (SHUTDOWN_DELAY_MS) and the longest request fit in the grace period.
    const delayMs = Number(byKind('ConfigMap').data.SHUTDOWN_DELAY_MS);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(delayMs / 1000 + 30);
    expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
  });

  it('migrates in a Job, with the same image, restrictions and database secret', () => {
    const job = byKind('Job');
    const pod = job.spec.template.spec as IPodSpec;
    const [migrate] = pod.containers;
    if (!migrate) throw new Error('no container');
    expect(migrate.args).toEqual(['migrate']);
    expect(migrate.image).toBe(byKind('Deployment').spec.template.spec.containers[0].image);
    expectRestricted(pod, migrate);
    expect(secretKeys(migrate)).toContain('DATABASE_URL');
    // The replicas wait for it rather than migrating themselves.
    expect(byKind('ConfigMap').data.MIGRATE_ON_START).toBe('false');
  });

  it('routes, scales from 2 to 10 and keeps one replica through a disruption, all on the same pods', () => {
    const deployment = byKind('Deployment');
    const labels = deployment.spec.template.metadata.labels;
    expect(deployment.spec.selector.matchLabels).toEqual(labels);
    const service = byKind('Service');
    expect(service.spec.selector).toEqual(labels);
    expect(service.spec.ports[0].targetPort).toBe(deployment.spec.template.spec.containers[0].ports[0].name);
    const hpa = byKind('HorizontalPodAutoscaler');
    expect(hpa.spec).toMatchObject({
      minReplicas: 2,
      maxReplicas: 10,
      scaleTargetRef: { kind: 'Deployment', name: deployment.metadata.name },
    });
    expect(byKind('PodDisruptionBudget').spec.selector.matchLabels).toEqual(labels);
  });
});

describe('compose.yaml', () => {
  const compose = parse(read('compose.yaml'), { merge: true });
  const services = compose.services as Record<string, Manifest>;

  it('runs PostgreSQL, a one-shot migration, three API replicas and HAProxy', () => {
    expect(Object.keys(services).sort()).toEqual(['api1', 'api2', 'api3', 'haproxy', 'migrate', 'postgres']);
    expect(services.migrate?.command).toEqual(['migrate']);
    expect(services.migrate?.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    for (const name of ['api1', 'api2', 'api3']) {
      const api = services[name] as Manifest;
      expect(api.depends_on).toEqual({ migrate: { condition: 'service_completed_successfully' } });
      expect(api.healthcheck.test.join(' ')).toMatch(/\/readyz/);
      expect(api.read_only).toBe(true);
      expect(api.environment).toMatchObject({
        NODE_ENV: 'production',
        MIGRATE_ON_START: 'false',
        TRUST_PROXY: 'true',
      });
      for (const key of SECRETS) expect(api.environment).toHaveProperty(key);
    }
    expect(services.postgres?.healthcheck.test).toContain('pg_isready');
  });

  it('balances over the same HAProxy configuration as the scale test, by name', () => {
    const haproxy = services.haproxy as Manifest;
    expect(haproxy.volumes[0]).toMatch(/^\.\/haproxy\/haproxy\.cfg:/);
    expect(Object.keys(haproxy.environment).sort()).toEqual([
      'KAPMAP_API_1',
      'KAPMAP_API_2',
      'KAPMAP_API_3',
      'KAPMAP_LB_BIND',
    ]);
    for (const v of ['KAPMAP_API_1', 'KAPMAP_API_2', 'KAPMAP_API_3', 'KAPMAP_LB_BIND'])
      expect(read('haproxy/haproxy.cfg')).toContain(`"\${${v}}"`);
  });
});

describe('the image', () => {
  const file = read('container/Containerfile');

  it('builds the bundle in one stage and runs it in another, as a user other than root', () => {
    const stages = [...file.matchAll(/^FROM (\S+)(?: AS (\w+))?/gm)].map((m) => m[1]);
    expect(stages).toEqual(['${NODE_IMAGE}', '${NODE_IMAGE}']);
    expect(file).toMatch(/node scripts\/bundle\.mjs \/out/);
    expect(file).toMatch(/^COPY --from=build .*\/out \/app$/m);
    expect(file).toMatch(/^USER node$/m);
    expect(file).toMatch(/^ENTRYPOINT \["node", "\/app\/dist\/src\/main\.js"\]$/m);
    expect(file).toMatch(/^CMD \["serve"\]$/m);
  });

  it('defaults to the official Node image of the major version package.json supports', () => {
    const engines = JSON.parse(readFileSync(join(infra, '..', 'package.json'), 'utf8')).engines
      .node as string;
    const major = engines.match(/(\d+)/)?.[1];
    expect(file).toMatch(new RegExp(`^ARG NODE_IMAGE=docker\\.io/library/node:${major}-`, 'm'));
  });
});

describe('HAProxy configuration', () => {
  const haproxy = ['/usr/sbin/haproxy', '/usr/local/sbin/haproxy'].find(existsSync);
  it.skipIf(!haproxy && !process.env.CI)('is valid for haproxy itself', () => {
    const out = execFileSync(haproxy ?? 'haproxy', ['-c', '-f', join(infra, 'haproxy/haproxy.cfg')], {
      env: {
        ...process.env,
        KAPMAP_LB_BIND: '127.0.0.1:8080',
        KAPMAP_API_1: '127.0.0.1:1',
        KAPMAP_API_2: '127.0.0.1:2',
        KAPMAP_API_3: '127.0.0.1:3',
      },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(out).toMatch(/Configuration file is valid/);
  });
});
