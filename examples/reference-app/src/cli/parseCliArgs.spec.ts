import { describe, expect, it } from 'vitest';
import { flagOverrides, parseCliArgs, UsageError } from './parseCliArgs.js';

describe('parseCliArgs', () => {
  it('defaults to help with no arguments', () => {
    expect(parseCliArgs([]).command).toBe('help');
    expect(parseCliArgs(['--help']).flags.help).toBe(true);
  });

  it('parses one- and two-word commands', () => {
    expect(parseCliArgs(['demo']).command).toBe('demo');
    expect(parseCliArgs(['topics', 'create']).command).toBe('topics create');
    expect(parseCliArgs(['schemas', 'register']).command).toBe('schemas register');
    expect(parseCliArgs(['cassandra', 'init']).command).toBe('cassandra init');
    const s = parseCliArgs(['services', 'up', 'kafka', 'cassandra']);
    expect(s.command).toBe('services up');
    expect(s.rest).toEqual(['kafka', 'cassandra']);
  });

  it('parses flags into typed values', () => {
    const { flags } = parseCliArgs(['produce', '--source', 'replay', '--file', 'x.csv', '--speed', '2.5', '--symbols', 'AAPL, MSFT', '--dry-run', '--brokers', 'a:1,b:2']);
    expect(flags).toMatchObject({ source: 'replay', file: 'x.csv', speed: 2.5, symbols: ['AAPL', 'MSFT'], dryRun: true, kafka: true, brokers: ['a:1', 'b:2'] });
    expect(flagOverrides(flags)).toMatchObject({ symbols: ['AAPL', 'MSFT'], 'kafka.brokers': ['a:1', 'b:2'], 'demo.speed': 2.5 });
  });

  it('rejects unknown commands, subcommands and flags with a message naming them', () => {
    expect(() => parseCliArgs(['deploy'])).toThrow(/unknown command "deploy"/);
    expect(() => parseCliArgs(['topics', 'delete'])).toThrow(/topics create.*got "delete"/);
    expect(() => parseCliArgs(['topics'])).toThrow(UsageError);
    expect(() => parseCliArgs(['demo', '--nope'])).toThrow(/nope/);
    expect(() => parseCliArgs(['demo', 'extra'])).toThrow(/unexpected argument/);
  });

  it('rejects bad values', () => {
    expect(() => parseCliArgs(['demo', '--speed', 'fast'])).toThrow(/--speed/);
    expect(() => parseCliArgs(['demo', '--speed', '0'])).toThrow(/--speed/);
    expect(() => parseCliArgs(['demo', '--metrics-port', '1.5'])).toThrow(/--metrics-port/);
    expect(() => parseCliArgs(['produce', '--source', 'bloomberg'])).toThrow(/--source/);
    expect(() => parseCliArgs(['demo', '--log-level', 'loud'])).toThrow(/--log-level/);
  });
});
