import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'tickflow.mjs');
const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    timeout: 90_000,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', TICKFLOW_METRICS_PORT: '0', ...env },
  });

describe('tickflow CLI (spawned)', () => {
  it('prints usage, rejects unknown commands (exit 2) and names a bad setting without echoing secrets', () => {
    const help = run(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: tickflow <command>');
    const bad = run(['deploy']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('unknown command "deploy"');
    const cfg = run(['config'], { KAFKA_BROKERS: 'nope', FINNHUB_API_KEY: 'sk-secret-123' });
    expect(cfg.status).toBe(2);
    expect(cfg.stderr).toContain('KAFKA_BROKERS');
    expect(cfg.stderr + cfg.stdout).not.toContain('sk-secret-123');
    const ok = run(['config'], { FINNHUB_API_KEY: 'sk-secret-123' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).not.toContain('sk-secret-123');
    expect(JSON.parse(ok.stdout).finnhub.apiKey).toBe('[redacted]');
  }, 120_000);

  it('produce --dry-run routes trades by symbol kind and every rejected record to the DLQ with its reason', () => {
    const r = run(['produce', '--source', 'synthetic', '--count', '600', '--rate', '5000', '--dry-run']);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    const trades = lines.filter((l) => l.startsWith('trades_raw ')).map((l) => JSON.parse(l.slice(11)));
    const crypto = lines.filter((l) => l.startsWith('crypto_raw ')).map((l) => JSON.parse(l.slice(11)));
    const dlq = lines.filter((l) => l.startsWith('trades_dlq ')).map((l) => JSON.parse(l.slice(11)));
    expect(trades.length + crypto.length + dlq.length).toBe(600); // nothing silently lost
    expect(trades.every((t) => !t.symbol.includes(':'))).toBe(true);
    expect(crypto.every((t) => t.symbol.includes(':'))).toBe(true);
    expect(dlq.length).toBeGreaterThan(0);
    for (const d of dlq) {
      expect(d.reason).toMatch(/\w+: /);
      expect(d.stage).toBe('produce');
    }
    expect(r.stdout).toContain('produce: input ended; 600 records acknowledged');
  }, 120_000);
});
