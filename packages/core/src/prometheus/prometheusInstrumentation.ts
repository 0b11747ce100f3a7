import { Counter as PCounter, Gauge as PGauge, Histogram as PHistogram, type Registry, register as globalRegister } from 'prom-client';
import type { Instrumentation, Labels, LogLevel, MetricOptions } from '../instrumentation/Instrumentation.js';
import { redactSecrets } from '../instrumentation/redactSecrets.js';

/**
 * Options of {@link prometheusInstrumentation}.
 *
 * @example
 * ```ts
 * import { Registry } from 'prom-client';
 * import { type PrometheusInstrumentationOptions, prometheusInstrumentation } from '@tickflow/core/prometheus';
 * const options: PrometheusInstrumentationOptions = { registry: new Registry(), prefix: 'myapp_' };
 * const inst = prometheusInstrumentation(options);
 * ```
 */
export interface PrometheusInstrumentationOptions {
  /** Registry to register metrics in (default: prom-client's global registry). */
  registry?: Registry;
  /** Prefix for every metric name (default `'tickflow_'`). */
  prefix?: string;
  /** Where log events go (redacted); default: nowhere. */
  logger?: (level: LogLevel, event: string, fields: Record<string, unknown>) => void;
}

type Metric = PCounter<string> | PGauge<string> | PHistogram<string>;

/**
 * Instrumentation backed by prom-client, for a `/metrics` endpoint. prom-client is an optional peer
 * dependency, which is why this lives in the `@tickflow/core/prometheus` subpath.
 *
 * Metrics are created lazily on first use; label names come from `options.labelNames` or, if not
 * given, from the labels of the first observation. Asking twice for a name returns the same metric.
 *
 * @param options - registry, name prefix and logger
 * @returns an {@link Instrumentation}
 * @example
 * ```ts
 * import { Registry } from 'prom-client';
 * import { prometheusInstrumentation } from '@tickflow/core/prometheus';
 * const registry = new Registry();
 * const inst = prometheusInstrumentation({ registry });
 * inst.counter('trades_total').inc();
 * const text = await registry.metrics(); // contains tickflow_trades_total 1
 * ```
 */
export function prometheusInstrumentation(options: PrometheusInstrumentationOptions = {}): Instrumentation {
  const registry = options.registry ?? globalRegister;
  const prefix = options.prefix ?? 'tickflow_';
  const created = new Map<string, Metric>();

  function get<M extends Metric>(kind: 'counter' | 'gauge' | 'histogram', name: string, o: MetricOptions | undefined, labels?: Labels): M {
    const full = prefix + name;
    const have = created.get(full) ?? (registry.getSingleMetric(full) as Metric | undefined);
    if (have) {
      created.set(full, have);
      return have as M;
    }
    const config = {
      name: full,
      help: o?.help ?? name.replace(/_/g, ' '),
      labelNames: [...(o?.labelNames ?? Object.keys(labels ?? {}))],
      registers: [registry],
    };
    const m =
      kind === 'counter'
        ? new PCounter(config)
        : kind === 'gauge'
          ? new PGauge(config)
          : new PHistogram({ ...config, ...(o?.buckets ? { buckets: [...o.buckets] } : {}) });
    created.set(full, m);
    return m as M;
  }

  return {
    enabled: true,
    // Each instrument resolves its prom-client metric once (on first use, when the label names are
    // known) and keeps it: the hot path is one call into prom-client.
    counter(name, o) {
      let c: PCounter<string> | undefined;
      return {
        inc: (v = 1, l) => {
          c ??= get<PCounter<string>>('counter', name, o, l);
          l ? c.inc(l, v) : c.inc(v);
        },
      };
    },
    gauge(name, o) {
      let m: PGauge<string> | undefined;
      const g = (l?: Labels) => (m ??= get<PGauge<string>>('gauge', name, o, l));
      return {
        set: (v, l) => (l ? g(l).set(l, v) : g().set(v)),
        inc: (v = 1, l) => (l ? g(l).inc(l, v) : g().inc(v)),
        dec: (v = 1, l) => (l ? g(l).dec(l, v) : g().dec(v)),
      };
    },
    histogram(name, o) {
      let h: PHistogram<string> | undefined;
      return {
        observe: (v, l) => {
          h ??= get<PHistogram<string>>('histogram', name, o, l);
          l ? h.observe(l, v) : h.observe(v);
        },
      };
    },
    log(level, event, fields = {}) {
      options.logger?.(level, event, redactSecrets(fields));
    },
  };
}
