import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError } from '@tickflow/core';
import { describe, expect, it } from 'vitest';
import { ENV_SETTINGS } from './envSettings.js';
import { loadConfig } from './loadConfig.js';

const empty = mkdtempSync(join(tmpdir(), 'tickflow-config-'));

function fails(fn: () => unknown): ConfigurationError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigurationError);
    return e as ConfigurationError;
  }
  throw new Error('expected a ConfigurationError');
}

describe('loadConfig', () => {
  it('gives working local defaults with no file and no environment', () => {
    const { config, file } = loadConfig({ env: {}, cwd: empty });
    expect(file).toBeUndefined();
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.kafka.topics).toEqual({ trades: 'trades_raw', crypto: 'crypto_raw', quotes: 'quotes_raw', dlq: 'trades_dlq' });
    expect(config.cassandra.keyspace).toBe('market_data');
    expect(config.pipeline.maxOutOfOrdernessMs).toBe(600_000);
    expect(config.metrics.port).toBe(9464);
    expect(config.finnhub.apiKey).toBeUndefined();
  });

  it('reads every documented environment variable into its path', () => {
    const { config } = loadConfig({
      env: {
        KAFKA_BROKERS: 'a:1, b:2',
        CASSANDRA_CONTACT_POINTS: 'c:9042',
        TICKFLOW_SYMBOLS: 'AAPL,BINANCE:BTCUSDT',
        TICKFLOW_MAX_OUT_OF_ORDERNESS_MS: '1000',
        FINNHUB_API_KEY: 'k',
        TICKFLOW_METRICS_PORT: '0',
        TICKFLOW_DEMO_SPEED: '2.5',
      },
      cwd: empty,
    });
    expect(config.kafka.brokers).toEqual(['a:1', 'b:2']);
    expect(config.cassandra.contactPoints).toEqual(['c:9042']);
    expect(config.symbols).toEqual(['AAPL', 'BINANCE:BTCUSDT']);
    expect(config.pipeline.maxOutOfOrdernessMs).toBe(1000);
    expect(config.finnhub.apiKey).toBe('k');
    expect(config.metrics.port).toBe(0);
    expect(config.demo.speed).toBe(2.5);
  });

  it('every env setting points at a real config path', () => {
    const { config } = loadConfig({ env: {}, cwd: empty });
    for (const s of ENV_SETTINGS) {
      const parent = s.path.split('.').slice(0, -1).reduce<any>((o, k) => o?.[k], config);
      expect(parent, s.env).toBeTypeOf('object');
    }
    expect(new Set(ENV_SETTINGS.map((s) => s.env)).size).toBe(ENV_SETTINGS.length);
  });

  it('layers file < env < flags', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tickflow-config-'));
    writeFileSync(join(dir, 'tickflow.config.json'), JSON.stringify({ kafka: { brokers: ['file:1'], groupId: 'g-file' }, symbols: ['IBM'] }));
    const { config, file, origins } = loadConfig({ env: { KAFKA_BROKERS: 'env:1' }, cwd: dir, overrides: { symbols: ['NVDA'] } });
    expect(file).toBe(join(dir, 'tickflow.config.json'));
    expect(config.kafka.brokers).toEqual(['env:1']);
    expect(config.kafka.groupId).toBe('g-file');
    expect(config.symbols).toEqual(['NVDA']);
    expect(origins.get('kafka.brokers')).toBe('env KAFKA_BROKERS');
  });

  it('names the environment variable of a bad value', () => {
    const e = fails(() => loadConfig({ env: { KAFKA_BROKERS: 'no-port-here' }, cwd: empty }));
    expect(e.setting).toBe('KAFKA_BROKERS');
    expect(e.message).toMatch(/kafka\.brokers\.0.*KAFKA_BROKERS.*host:port/);
  });

  it('rejects a non-numeric number with the variable name', () => {
    const e = fails(() => loadConfig({ env: { TICKFLOW_METRICS_PORT: 'ninety' }, cwd: empty }));
    expect(e.setting).toBe('TICKFLOW_METRICS_PORT');
    expect(e.message).toContain('not an integer');
  });

  it('names a bad key in the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tickflow-config-'));
    const f = join(dir, 'x.json');
    writeFileSync(f, JSON.stringify({ kafka: { brokerz: ['a:1'] } }));
    const e = fails(() => loadConfig({ env: {}, cwd: dir, file: f }));
    expect(e.message).toMatch(/kafka.*brokerz/);
    writeFileSync(f, '{ not json');
    expect(fails(() => loadConfig({ env: {}, cwd: dir, file: f })).message).toContain('not valid JSON');
    expect(fails(() => loadConfig({ env: {}, cwd: dir, file: join(dir, 'missing.json') })).message).toContain('not found');
  });

  it('never echoes a secret in an error', () => {
    const e = fails(() => loadConfig({ env: { CASSANDRA_PASSWORD: 'hunter2', TICKFLOW_METRICS_PORT: '99999' }, cwd: empty }));
    expect(e.message).not.toContain('hunter2');
    expect(e.setting).toBe('TICKFLOW_METRICS_PORT');
  });
});
