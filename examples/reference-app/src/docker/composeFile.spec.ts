import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../config/loadConfig.js';
import { ENV_SETTINGS } from '../config/envSettings.js';
import { createTelemetry } from '../ops/createTelemetry.js';

const appDir = join(import.meta.dirname, '..', '..');
const repo = join(appDir, '..', '..');
const compose = parse(readFileSync(join(appDir, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { image?: string; build?: { context: string; dockerfile: string }; environment?: Record<string, unknown>; ports?: string[]; volumes?: string[]; command?: string[]; depends_on?: unknown }>;
};
const services = compose.services;
const appServices = Object.entries(services).filter(([, s]) => s.image === 'tickflow/reference-app:local');
/** `${VAR:-default}` → default (what a user without that variable gets). */
const resolveValue = (v: unknown) => String(v ?? '').replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');

describe('examples/reference-app/docker-compose.yml', () => {
  it('has every service of the reference pipeline with the images the guide names', () => {
    expect(Object.keys(services).sort()).toEqual(['cassandra', 'grafana', 'init', 'kafka', 'processor', 'producer', 'prometheus', 'schema-registry']);
    expect(services.kafka!.image).toMatch(/^apache\/kafka:3\.9\./);
    expect(services.kafka!.environment!.KAFKA_PROCESS_ROLES).toBe('broker,controller'); // KRaft, no ZooKeeper
    expect(services['schema-registry']!.image).toMatch(/^confluentinc\/cp-schema-registry:/);
    expect(services.cassandra!.image).toMatch(/^cassandra:5\.0/);
    expect(appServices.map(([n]) => n).sort()).toEqual(['init', 'processor', 'producer']);
    expect(services.init!.build).toBeDefined();
    expect(existsSync(resolve(appDir, services.init!.build!.context, services.init!.build!.dockerfile))).toBe(true);
  });

  it('passes the app only settings it knows, and they make a valid config', () => {
    const known = new Set(ENV_SETTINGS.map((s) => s.env));
    for (const [name, s] of appServices) {
      const envVars = Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, resolveValue(v)]));
      for (const k of Object.keys(envVars)) expect(known.has(k), `${name}: ${k} is not a tickflow setting`).toBe(true);
      const { config } = loadConfig({ env: envVars, cwd: appDir });
      expect(config.kafka.brokers).toEqual(['kafka:9092']);
      expect(config.cassandra.contactPoints).toEqual(['cassandra:9042']);
      expect(config.schemaRegistry.url).toBe('http://schema-registry:8081');
      // the brokers, registry and Cassandra named are services of this file, on the ports they listen on
      expect(services.kafka!.ports).toContain('9092:9092');
      expect(services['schema-registry']!.ports).toContain('8081:8081');
      expect(services.cassandra!.ports).toContain('9042:9042');
      const metricsPort = String(config.metrics.port);
      if (s.ports) expect(s.ports.some((p) => p.endsWith(`:${metricsPort}`)), `${name} publishes its metrics port`).toBe(true);
      expect(s.command?.join(' ')).toMatch(/examples\/reference-app\/bin\/tickflow\.mjs/);
    }
  });

  it('publishes the processor’s dashboard and API, which take a token from the environment', () => {
    const processor = services.processor!;
    const envVars = Object.fromEntries(Object.entries(processor.environment ?? {}).map(([k, v]) => [k, String(v ?? '')]));
    // passed through from the user's environment, never a token baked into the file
    expect(envVars.TICKFLOW_API_TOKEN).toBe('${TICKFLOW_API_TOKEN:-}');
    const resolved = Object.fromEntries(Object.entries(envVars).map(([k, v]) => [k, resolveValue(v)]));
    expect(loadConfig({ env: resolved, cwd: appDir }).config.api.token).toBeUndefined(); // unset: loopback only, as the comment says
    const { config } = loadConfig({ env: { ...resolved, TICKFLOW_API_TOKEN: 'change-me-please' }, cwd: appDir });
    expect(config.api.token).toBe('change-me-please');
    // the page and /api/* are on the ops port, published on the host
    const published = processor.ports?.find((p) => p.endsWith(`:${config.metrics.port}`));
    expect(published, 'the processor publishes its ops/API port').toBeDefined();
    expect(config.metrics.host).toBe('0.0.0.0'); // reachable through the port mapping
    // with the young-generation size the load figures were measured with (ADR 0100)
    expect(processor.command).toEqual(['node', '--max-semi-space-size=64', 'examples/reference-app/bin/tickflow.mjs', 'process']);
  });

  it('the image contains the built page the processor serves at /', () => {
    const text = readFileSync(join(appDir, 'Dockerfile'), 'utf8');
    const build = text.split('\nFROM ')[1] ?? ''; // the build stage
    expect(build).toMatch(/^RUN cd examples\/reference-app && node \.\.\/\.\.\/node_modules\/vite\/bin\/vite\.js build/m);
    expect(existsSync(join(repo, 'node_modules', 'vite', 'bin', 'vite.js'))).toBe(true);
    // vite writes where the server reads (serveWeb's DEFAULT_WEB_ROOT = dist/web), and dist/ is not copied from the host
    expect(readFileSync(join(appDir, 'vite.config.ts'), 'utf8')).toContain("outDir: here('./dist/web')");
    expect(readFileSync(join(appDir, 'Dockerfile.dockerignore'), 'utf8')).toMatch(/^\*\*\/dist$/m);
    // and the runtime stage copies the build stage's whole tree (dist/web included)
    expect(text).toMatch(/^COPY --from=build --chown=node:node \/app \/app$/m);
  });

  it('mounts files that exist', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const v of s.volumes ?? []) {
        const host = v.split(':')[0]!;
        if (!host.startsWith('.')) continue; // named volume
        expect(existsSync(resolve(appDir, host)), `${name}: ${host}`).toBe(true);
      }
    }
  });

  it('Prometheus scrapes the producer and processor on their metrics ports', () => {
    const prom = parse(readFileSync(join(appDir, 'docker', 'prometheus.yml'), 'utf8')) as { scrape_configs: { static_configs: { targets: string[] }[] }[] };
    const targets = prom.scrape_configs.flatMap((c) => c.static_configs.flatMap((s) => s.targets));
    expect(targets.sort()).toEqual(['processor:9464', 'producer:9464']);
    for (const t of targets) expect(services[t.split(':')[0]!]).toBeDefined();
  });

  it('Grafana dashboards query metrics the app and the SDK export', () => {
    const dash = JSON.parse(readFileSync(join(appDir, 'docker', 'grafana', 'dashboards', 'tickflow.json'), 'utf8')) as { panels: { title: string; targets: { expr: string }[] }[] };
    const titles = dash.panels.map((p) => p.title.toLowerCase()).join(' | ');
    for (const want of ['ingestion rate', 'error rate', 'p50', 'freshness', 'top failing symbols', 'late trades']) expect(titles).toContain(want);
    const t = createTelemetry({ logLevel: 'error', write: () => {} });
    const m = t.metrics;
    m.ingested.inc(1, { stage: 's', symbol: 'x' });
    m.invalid.inc(1, { stage: 's', symbol: 'x', field: 'f' });
    m.deadLettered.inc(1, { stage: 's' });
    m.duplicates.inc(1, { stage: 's' });
    m.late.inc(1, { stage: 's', symbol: 'x' });
    m.bars.inc(1, { stage: 's', interval: '5m' });
    m.writeLatency.observe(1, { target: 't' });
    m.lastEventTime.set(1, { symbol: 'x' });
    m.committedOffset.set(1, { topic: 't', partition: '0' });
    m.openWindows.set(1);
    const appNames = new Set(t.registry.getMetricsAsArray().map((m) => m.name));
    const sdkSource = ['sources', 'sinks']
      .flatMap((pkg) => walk(join(repo, 'packages', pkg, 'src')))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    for (const p of dash.panels) {
      for (const { expr } of p.targets) {
        for (const name of expr.match(/tickflow_[a-z_]+/g) ?? []) {
          const base = name.replace(/_(bucket|sum|count)$/, '');
          const known = appNames.has(base) || sdkSource.includes(`'${base.replace(/^tickflow_/, '')}'`);
          expect(known, `${p.title}: ${name}`).toBe(true);
        }
      }
    }
  });

  it('the Dockerfile is multi-stage, runs as a non-root user and has a healthcheck on /healthz', () => {
    const text = readFileSync(join(appDir, 'Dockerfile'), 'utf8');
    expect(text.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/^USER node$/m);
    expect(text).toMatch(/^HEALTHCHECK .*\n?.*\/healthz/m);
    for (const m of text.matchAll(/^COPY (?!--from)(?:--\S+ )*(.+) \S+$/gm)) {
      for (const src of m[1]!.split(' ')) expect(existsSync(join(repo, src)), `COPY ${src}`).toBe(true);
    }
  });
});

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}
void dirname;
