import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { Shutdown } from './Shutdown.js';

function setup(timeoutMs = 1_000) {
  const signals = new EventEmitter();
  const exits: number[] = [];
  const log: string[] = [];
  const s = new Shutdown({ timeoutMs, signals: signals as never, exit: (c) => exits.push(c), log: (l) => log.push(l) });
  return { s, signals, exits, log };
}
const tick = () => new Promise((r) => setTimeout(r, 20));

describe('Shutdown', () => {
  it('runs steps newest first on SIGINT and exits 0', async () => {
    const { s, signals, exits } = setup();
    const order: string[] = [];
    s.add('close clients', () => void order.push('close'));
    s.add('drain writes', async () => {
      await tick();
      order.push('drain');
    });
    s.add('stop source', () => void order.push('stop'));
    const requested = s.requested();
    s.listen();
    signals.emit('SIGINT', 'SIGINT');
    await requested;
    await tick();
    await tick();
    expect(order).toEqual(['stop', 'drain', 'close']);
    expect(exits).toEqual([0]);
  });

  it('exits 1 when a step fails, and at once on a second signal', async () => {
    const { s, signals, exits, log } = setup();
    s.add('bad', () => {
      throw new Error('boom');
    });
    s.add('slow', () => new Promise((r) => setTimeout(r, 100)));
    s.listen();
    signals.emit('SIGTERM', 'SIGTERM');
    signals.emit('SIGINT', 'SIGINT');
    expect(exits).toEqual([130]);
    await new Promise((r) => setTimeout(r, 150));
    expect(exits).toEqual([130, 1]);
    expect(log.join('\n')).toContain('"bad" failed: boom');
  });

  it('gives up after the timeout', async () => {
    const { s } = setup(30);
    s.add('hangs', () => new Promise(() => {}));
    expect(await s.run()).toBe(1);
  });
});
