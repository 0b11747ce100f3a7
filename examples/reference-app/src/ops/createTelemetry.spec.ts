import { describe, expect, it } from 'vitest';
import { createTelemetry } from './createTelemetry.js';

describe('createTelemetry', () => {
  it('exposes app metrics with the tickflow_ prefix and redacts secrets in logs', async () => {
    const lines: string[] = [];
    const t = createTelemetry({ logLevel: 'info', write: (l) => lines.push(l) });
    t.metrics.ingested.inc(2, { stage: 'process', symbol: 'AAPL' });
    const text = await t.registry.metrics();
    expect(text).toContain('tickflow_trades_ingested_total{stage="process",symbol="AAPL"} 2');
    t.log('info', 'connecting', { url: 'wss://ws.finnhub.io?token=abc123', password: 'hunter2' });
    t.log('debug', 'hidden');
    t.inst.log('warn', 'from_sdk', { apiKey: 'k-999' });
    expect(lines).toHaveLength(2);
    expect(lines.join('\n')).not.toMatch(/abc123|hunter2|k-999/);
    expect(lines[0]).toContain('token=[redacted]');
  });
});
