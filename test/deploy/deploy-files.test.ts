/**
 * The operator files of deploy/ and the Dockerfile, checked with the tools that read them: promtool for the
 * Prometheus configuration, rules and rule tests; the Compose Specification's JSON Schema (ajv) for
 * deploy/compose.yaml; the Kubernetes API's schemas (kubernetes-models) for every document of deploy/k8s/; the
 * Dockerfile's syntax tree. Each validator is also shown a broken copy that it must refuse, so a validator that
 * accepts anything fails here. The metric names the files use are checked against createMetrics (as
 * src/telemetry/deploy-files.test.ts does for the dashboard and the alerts).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ZerrConfigSchema } from '../../src/config/index.js';
import { createMetrics } from '../../src/telemetry/index.js';
import { dockerfileProblems, dockerfileStages } from './dockerfile-problems.js';
import { manifestProblems, objectsOfKind, readManifests } from './kubernetes-manifests.js';
import { promtool } from './promtool.js';

const ROOT = resolve(import.meta.dirname, '../..');
const DEPLOY = join(ROOT, 'deploy');
const PROMETHEUS = join(DEPLOY, 'prometheus');
const scratch = mkdtempSync(join(tmpdir(), 'zerr-deploy-files-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const readYaml = (path: string): unknown => parse(readFileSync(path, 'utf8'), { merge: true });
const registered = new Set(createMetrics().registry.getMetricsAsArray().map((metric) => metric.name));

describe('Prometheus files (promtool)', () => {
  it('promtool is installed', () => {
    const version = promtool(['--version']);
    expect(version.status, version.output).toBe(0);
  });

  it('alerts.yml passes `promtool check rules`', () => {
    const result = promtool(['check', 'rules', join(PROMETHEUS, 'alerts.yml')]);
    expect(result.status, result.output).toBe(0);
    expect(result.output).toMatch(/SUCCESS: [1-9]\d* rules found/);
  });

  it('prometheus.yml passes `promtool check config` and loads alerts.yml', () => {
    const result = promtool(['check', 'config', join(PROMETHEUS, 'prometheus.yml')]);
    expect(result.status, result.output).toBe(0);
    expect(result.output).toContain('alerts.yml');
  });

  it('alerts.test.yml passes `promtool test rules`', () => {
    const result = promtool(['test', 'rules', join(PROMETHEUS, 'alerts.test.yml')]);
    expect(result.status, result.output).toBe(0);
    expect(result.output).toContain('SUCCESS');
  });

  it('every alert has a test case where it fires and one where it must not', () => {
    const rules = (readYaml(join(PROMETHEUS, 'alerts.yml')) as { groups: { rules: { alert?: string }[] }[] }).groups
      .flatMap((group) => group.rules).flatMap((rule) => (rule.alert === undefined ? [] : [rule.alert]));
    const cases = (readYaml(join(PROMETHEUS, 'alerts.test.yml')) as { tests: { alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[] }).tests
      .flatMap((test) => test.alert_rule_test ?? []);
    expect(rules).toEqual(expect.arrayContaining(['ZerrTaskSuccessRateLow', 'ZerrTaskSuccessRateCritical', 'ZerrCircuitBreakerOpen', 'ZerrQueueBacklog']));
    for (const alert of rules) {
      const own = cases.filter((testCase) => testCase.alertname === alert);
      expect(own.some((testCase) => (testCase.exp_alerts ?? []).length > 0), `${alert} fires in a case`).toBe(true);
      expect(own.some((testCase) => (testCase.exp_alerts ?? []).length === 0), `${alert} stays quiet in a case`).toBe(true);
    }
  });

  it('refuses a rule test that expects the wrong alert, and a rule that does not parse', () => {
    const tests = readYaml(join(PROMETHEUS, 'alerts.test.yml')) as { rule_files: string[]; tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[] };
    tests.rule_files = [join(PROMETHEUS, 'alerts.yml')];
    const quiet = tests.tests[0]?.alert_rule_test.find((testCase) => testCase.alertname === 'ZerrTaskSuccessRateCritical');
    expect(quiet?.exp_alerts).toEqual([]);
    if (quiet !== undefined) quiet.exp_alerts = [{ exp_labels: { severity: 'critical' } }];
    writeFileSync(join(scratch, 'wrong.test.yml'), stringify(tests));
    const wrong = promtool(['test', 'rules', join(scratch, 'wrong.test.yml')]);
    expect(wrong.status, wrong.output).not.toBe(0);
    expect(wrong.output).toContain('ZerrTaskSuccessRateCritical');

    writeFileSync(join(scratch, 'broken-rules.yml'), stringify({ groups: [{ name: 'zerr', rules: [{ alert: 'Broken', expr: 'sum(rate(tasks_total[15m]) <' }] }] }));
    const broken = promtool(['check', 'rules', join(scratch, 'broken-rules.yml')]);
    expect(broken.status, broken.output).not.toBe(0);
  });

  it('prometheus.yml scrapes the serve service of compose.yaml on its --port', () => {
    const config = readYaml(join(PROMETHEUS, 'prometheus.yml')) as { scrape_configs: { job_name: string; metrics_path?: string; static_configs: { targets: string[] }[] }[] };
    const zerr = config.scrape_configs.find((job) => job.job_name === 'zerr');
    const serve = composeFile().services['serve'];
    const port = serve?.command?.[serve.command.indexOf('--port') + 1];
    expect(zerr?.metrics_path ?? '/metrics').toBe('/metrics');
    expect(zerr?.static_configs.flatMap((entry) => entry.targets)).toEqual([`serve:${String(port)}`]);
  });
});

interface ComposeService {
  readonly command?: string[];
  readonly security_opt?: string[];
  readonly volumes?: string[];
  readonly deploy?: { readonly replicas?: number };
  readonly healthcheck?: unknown;
  readonly [key: string]: unknown;
}

function composeFile(): { services: Record<string, ComposeService | undefined>; [key: string]: unknown } {
  return readYaml(join(DEPLOY, 'compose.yaml')) as { services: Record<string, ComposeService | undefined> };
}

describe('deploy/compose.yaml (Compose Specification schema)', () => {
  const schema = JSON.parse(readFileSync(join(import.meta.dirname, 'schemas/compose-spec.json'), 'utf8')) as object;
  const validate = new Ajv2020({ allErrors: true, strictTypes: false }).compile(schema);
  const problems = (document: unknown): string[] => (validate(document) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''}`));

  it('is valid', () => {
    expect(problems(composeFile())).toEqual([]);
  });

  it('refuses a service with an unknown key and a replica count that is not a number', () => {
    const unknownKey = composeFile();
    (unknownKey.services['worker'] as Record<string, unknown>)['replica'] = 3;
    expect(problems(unknownKey).join('\n')).toMatch(/\/services\/worker must NOT have additional properties/);
    const badReplicas = composeFile();
    (badReplicas.services['worker'] as { deploy: Record<string, unknown> }).deploy['replicas'] = [3];
    expect(problems(badReplicas).join('\n')).toContain('/services/worker/deploy/replicas');
  });

  it('runs redis with a health check and an append-only volume, serve and workers on it, prometheus and grafana', () => {
    const { services } = composeFile();
    expect(Object.keys(services).sort()).toEqual(['grafana', 'prometheus', 'redis', 'serve', 'worker']);
    expect(services['redis']?.healthcheck).toBeDefined();
    expect(services['redis']?.command?.join(' ')).toContain('--appendonly yes');
    expect(services['redis']?.volumes?.some((volume) => volume.endsWith(':/data'))).toBe(true);
    expect(services['serve']?.command?.slice(0, 3)).toEqual(['serve', '--redis', 'redis://redis:6379']);
    expect(services['worker']?.command?.slice(0, 3)).toEqual(['worker', '--redis', 'redis://redis:6379']);
    expect(services['worker']?.deploy?.replicas).toBeGreaterThanOrEqual(1);
    for (const name of ['serve', 'worker']) {
      expect(services[name]?.security_opt, name).toEqual(expect.arrayContaining(['seccomp=unconfined', 'apparmor=unconfined', 'systempaths=unconfined']));
    }
  });

  it('mounts files of deploy/ that exist', () => {
    const mounted = Object.values(composeFile().services).flatMap((service) => service?.volumes ?? [])
      .map((volume) => volume.split(':')[0] ?? '').filter((source) => source.startsWith('./'));
    expect(mounted).toEqual(expect.arrayContaining(['./prometheus/prometheus.yml', './prometheus/alerts.yml', './grafana/provisioning', './grafana/zero-error.json']));
    for (const source of mounted) expect(existsSync(join(DEPLOY, source)), source).toBe(true);
    const dashboards = readYaml(join(DEPLOY, 'grafana/provisioning/dashboards/zero-error.yml')) as { providers: { options: { path: string } }[] };
    const grafanaVolumes = composeFile().services['grafana']?.volumes ?? [];
    expect(grafanaVolumes).toContain(`./grafana/zero-error.json:${dashboards.providers[0]?.options.path ?? '?'}/zero-error.json:ro`);
  });
});

describe('deploy/k8s (Kubernetes API schemas)', () => {
  const documents = readManifests(join(DEPLOY, 'k8s'));

  it('every document of every manifest is a valid object of a known kind', () => {
    expect(documents.length).toBeGreaterThanOrEqual(10);
    expect(documents.flatMap(manifestProblems)).toEqual([]);
    const kinds = new Set(documents.map((document) => (document.value as { kind: string }).kind));
    for (const kind of ['Deployment', 'Service', 'ConfigMap', 'Secret', 'HorizontalPodAutoscaler', 'StatefulSet']) expect(kinds, kind).toContain(kind);
  });

  it('refuses a Deployment without spec.selector, an unknown kind and an External metric without a name', () => {
    const deployment = documents.find((document) => (document.value as { kind: string }).kind === 'Deployment');
    expect(deployment).toBeDefined();
    const copy = structuredClone(deployment?.value) as { spec: Record<string, unknown> };
    delete copy.spec['selector'];
    expect(manifestProblems({ file: 'broken.yaml', index: 0, value: copy }).join('\n')).toMatch(/must have required property '?selector/);
    expect(manifestProblems({ file: 'broken.yaml', index: 0, value: { ...copy, kind: 'Deploymnet' } })).toEqual(['broken.yaml#0: unknown kind apps/v1 Deploymnet']);
    expect(manifestProblems({ file: 'broken.yaml', index: 0, value: null })).toHaveLength(1);
    const hpa = structuredClone(objectsOfKind(documents, 'HorizontalPodAutoscaler')[0]) as unknown as { spec: { metrics: { external: { metric: Record<string, unknown> } }[] } };
    delete hpa.spec.metrics[0]?.external.metric['name'];
    expect(manifestProblems({ file: 'broken.yaml', index: 0, value: hpa }).join('\n')).toMatch(/required property '?name/);
  });

  it('selectors, references and keys agree across the manifests', () => {
    const deployments = objectsOfKind(documents, 'Deployment') as unknown as PodOwner[];
    const podLabels = [...deployments, ...(objectsOfKind(documents, 'StatefulSet') as unknown as PodOwner[])].map((owner) => owner.spec.template.metadata.labels);
    for (const service of objectsOfKind(documents, 'Service') as unknown as { metadata: { name: string }; spec: { selector: Record<string, string> } }[]) {
      const matches = podLabels.filter((labels) => Object.entries(service.spec.selector).every(([key, value]) => labels[key] === value));
      expect(matches, `Service ${service.metadata.name} selects pods`).toHaveLength(1);
    }
    for (const owner of deployments) {
      expect(Object.entries(owner.spec.selector.matchLabels).every(([key, value]) => owner.spec.template.metadata.labels[key] === value), owner.metadata.name).toBe(true);
    }
    const hpa = objectsOfKind(documents, 'HorizontalPodAutoscaler')[0] as unknown as { spec: { scaleTargetRef: { kind: string; name: string } } };
    expect(deployments.map((owner) => `${owner.kind}/${owner.metadata.name}`)).toContain(`${hpa.spec.scaleTargetRef.kind}/${hpa.spec.scaleTargetRef.name}`);
    const keysOf = (kind: string): Map<string, Set<string>> => new Map((objectsOfKind(documents, kind) as unknown as { metadata: { name: string }; data?: object; stringData?: object }[])
      .map((object) => [object.metadata.name, new Set(Object.keys({ ...object.data, ...object.stringData }))]));
    const configMaps = keysOf('ConfigMap');
    const secrets = keysOf('Secret');
    for (const owner of deployments) {
      for (const container of owner.spec.template.spec.containers) {
        for (const env of container.env ?? []) {
          const ref = env.valueFrom?.configMapKeyRef ?? env.valueFrom?.secretKeyRef;
          const store = env.valueFrom?.configMapKeyRef === undefined ? secrets : configMaps;
          if (ref !== undefined) expect(store.get(ref.name)?.has(ref.key), `${owner.metadata.name} ${env.name}`).toBe(true);
        }
      }
    }
  });

  it('serve and worker pods get what the sandbox needs, as deploy/README.md says', () => {
    for (const owner of objectsOfKind(documents, 'Deployment') as unknown as PodOwner[]) {
      const pod = owner.spec.template.spec;
      expect(pod.securityContext?.seccompProfile?.type, owner.metadata.name).toBe('Unconfined');
      expect(pod.securityContext?.appArmorProfile?.type, owner.metadata.name).toBe('Unconfined');
      expect(pod.hostUsers, owner.metadata.name).toBe(false);
      for (const container of pod.containers) expect(container.securityContext?.procMount, owner.metadata.name).toBe('Unmasked');
    }
  });

  it("the ConfigMap's config.yaml is a valid zerr configuration", () => {
    const configMap = objectsOfKind(documents, 'ConfigMap')[0] as unknown as { data: Record<string, string> };
    const parsed = ZerrConfigSchema.safeParse(parse(configMap.data['config.yaml'] ?? ''));
    expect(parsed.error?.issues ?? []).toEqual([]);
  });

  it('the HPA scales on zerr_queue_jobs, the adapter name deploy/README.md gives queue_jobs', () => {
    const hpa = objectsOfKind(documents, 'HorizontalPodAutoscaler')[0] as unknown as { spec: { metrics: { type: string; external?: { metric: { name: string; selector?: { matchLabels?: Record<string, string> } } } }[] } };
    const external = hpa.spec.metrics.filter((metric) => metric.type === 'External').map((metric) => metric.external?.metric);
    expect(external.map((metric) => metric?.name)).toEqual(['zerr_queue_jobs']);
    expect(external[0]?.selector?.matchLabels).toEqual({ queue: 'samples' });
    const readme = readFileSync(join(DEPLOY, 'README.md'), 'utf8');
    expect(readme).toContain('matches: ^queue_jobs$');
    expect(readme).toContain('as: zerr_queue_jobs');
    expect(registered).toContain('queue_jobs');
  });
});

interface PodOwner {
  readonly kind: string;
  readonly metadata: { readonly name: string };
  readonly spec: {
    readonly selector: { readonly matchLabels: Record<string, string> };
    readonly template: {
      readonly metadata: { readonly labels: Record<string, string> };
      readonly spec: {
        readonly hostUsers?: boolean;
        readonly securityContext?: { readonly seccompProfile?: { readonly type: string }; readonly appArmorProfile?: { readonly type: string } };
        readonly containers: {
          readonly env?: { readonly name: string; readonly valueFrom?: { readonly configMapKeyRef?: { name: string; key: string }; readonly secretKeyRef?: { name: string; key: string } } }[];
          readonly securityContext?: { readonly procMount?: string };
        }[];
      };
    };
  };
}

describe('Dockerfile (syntax tree)', () => {
  const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

  it('builds in one stage and runs on node:20-bookworm-slim with the sandbox packages and bin/zerr.js', () => {
    expect(dockerfileProblems(text)).toEqual([]);
    expect(dockerfileStages(text).map((stage) => stage.name)).toEqual(['build', 'runtime']);
  });

  it('refuses a Dockerfile without bubblewrap, with a shell-form ENTRYPOINT, or of one stage', () => {
    expect(dockerfileProblems(text.replace(/\bbubblewrap\b(?= python3)/, ''))).toEqual(['the runtime stage does not apt-get install bubblewrap']);
    expect(dockerfileProblems(text.replace(/ENTRYPOINT \[.*\]/, 'ENTRYPOINT node /app/bin/zerr.js')).join('\n')).toContain('ENTRYPOINT');
    expect(dockerfileProblems('FROM node:20-bookworm-slim\nENTRYPOINT ["node", "bin/zerr.js"]\n')).toEqual(['a multi-stage build expected, found 1 stage(s)']);
  });

  it('copies only what exists and what .dockerignore lets through', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
    const build = dockerfileStages(text)[0];
    const sources = (build?.instructions ?? []).filter((instruction) => instruction.keyword === 'COPY' && instruction.flags.length === 0)
      .flatMap((instruction) => instruction.args.trim().split(/\s+/).slice(0, -1));
    expect(sources).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'src', 'bin']));
    for (const source of sources) {
      expect(existsSync(join(ROOT, source)), source).toBe(true);
      expect(ignored, source).not.toContain(source);
    }
  });
});

describe('metric names of the new files', () => {
  it('the dashboard shows and the alerts watch queue_jobs, which createMetrics registers', () => {
    const dashboard = readFileSync(join(DEPLOY, 'grafana/zero-error.json'), 'utf8');
    const alerts = readFileSync(join(PROMETHEUS, 'alerts.yml'), 'utf8');
    expect(dashboard).toMatch(/queue_jobs\{queue=\\"samples\\"/);
    expect(alerts).toContain('queue_jobs{state=~"waiting|prioritized"}');
    const inTests = [...readFileSync(join(PROMETHEUS, 'alerts.test.yml'), 'utf8').matchAll(/series: '([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)].map((match) => match[1]);
    expect(inTests.length).toBeGreaterThan(0);
    expect(inTests.filter((name) => name === undefined || !registered.has(name))).toEqual([]);
  });
});

